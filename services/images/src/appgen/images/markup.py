"""Text that goes into SVG: escaped, stripped of what XML forbids, and shortened to fit.

Names and labels come from people's prompts, so they may hold `<script>`, `&` or control
characters; nothing reaches a document without passing through `text`.
"""

from __future__ import annotations

import re
import textwrap
from xml.sax.saxutils import escape

# Characters XML 1.0 does not allow anywhere in a document, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "'": "&apos;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def clean(value: str) -> str:
    """`value` without characters that would make the document not well-formed."""
    return _NOT_XML.sub("", value)


def text(value: str) -> str:
    """Escaped for element content and for double- or single-quoted attribute values."""
    return escape(clean(value), _ATTRIBUTE_ENTITIES)


def lines(value: str, *, width: int, max_lines: int) -> list[str]:
    """`value` wrapped to `width` characters on at most `max_lines` lines, with an ellipsis if cut."""
    wrapped = textwrap.wrap(
        " ".join(clean(value).split()),
        width=width,
        break_long_words=True,
        max_lines=max_lines,
        placeholder=" …",
    )
    return wrapped or [""]


def number(value: float) -> str:
    """A coordinate written the same way every time, without float noise."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)
