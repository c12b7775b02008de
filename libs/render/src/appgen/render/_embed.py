"""Spec values embedded in generated files, so that no value can change the file's meaning."""

from __future__ import annotations

import html
import json

# JSON text may carry these inside string literals; escaped, `</script>`, `<!--` and the line
# separators that older engines treat as newlines are inert in any JavaScript or HTML context.
_JS_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def js_value(value: object, *, indent: int | None = None) -> str:
    """A JavaScript expression (and JSON text) for a JSON-able value, safe anywhere in a module."""
    separators = (",", ": ") if indent is not None else (",", ":")
    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    # Outside string literals JSON has none of these characters, so replacing them everywhere
    # only ever rewrites characters inside strings, where the escapes mean the same thing.
    for char, escape in _JS_UNSAFE.items():
        text = text.replace(char, escape)
    return text


def html_text(value: str) -> str:
    """Text for an HTML element body or a quoted attribute."""
    return html.escape(value, quote=True)
