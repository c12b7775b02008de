"""Hostile text in a spec never becomes markup or code in the generated files."""

from __future__ import annotations

import json
import re

import pytest

from appgen.analyzer.rules import analyze
from appgen.render import render_app
from appgen.render._embed import html_text, js_value
from appgen.render.samples import HOSTILE, hostile
from appgen.spec import AppSpec

pytestmark = pytest.mark.unit

SPECS = {"every_text": hostile(), "prompt": analyze(HOSTILE)}
JSON_LITERAL = re.compile(r"= (\{.*\});\n", re.DOTALL)


@pytest.mark.parametrize(
    "value",
    [HOSTILE, "</script><script>alert(1)</script>", "\u2028\u2029", "a & b < c > d", "'\"`${x}"],
)
def test_js_value_is_inert_and_means_the_same(value: str) -> None:
    text = js_value({"v": value, "list": [value]})
    for char in "<>&\u2028\u2029":
        assert char not in text
    assert json.loads(text) == {"v": value, "list": [value]}


def test_html_text_escapes_quotes_and_tags() -> None:
    assert html_text('"><img src=x onerror=alert(1)>') == (
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
    )


@pytest.mark.parametrize("spec", SPECS.values(), ids=list(SPECS))
def test_no_file_carries_hostile_markup(spec: AppSpec) -> None:
    for file in render_app(spec):
        text = file.text or ""
        assert "<script>alert" not in text, file.path
        assert "<img src=x" not in text, file.path
        assert "onerror=alert(1)>" not in text, file.path
        assert "\u2028" not in text, file.path
        assert "\u2029" not in text, file.path


@pytest.mark.parametrize("spec", SPECS.values(), ids=list(SPECS))
def test_generated_modules_hold_spec_text_only_in_json_literals(spec: AppSpec) -> None:
    generated = [
        f for f in render_app(spec) if f.path == "app/spec.js" or f.path.startswith("app/screens/")
    ]
    assert generated
    for file in generated:
        text = file.text or ""
        match = JSON_LITERAL.search(text)
        assert match is not None, file.path
        # Outside the literal, nothing of the spec's text: only fixed code.
        outside = text[: match.start(1)] + text[match.end(1) :]
        assert "alert" not in outside, file.path
        assert "<" not in text, file.path
        json.loads(match.group(1))
    spec_js = next(f.text for f in generated if f.path == "app/spec.js") or ""
    assert json.loads(JSON_LITERAL.search(spec_js).group(1))["prompt"] == spec.prompt  # type: ignore[union-attr]


@pytest.mark.parametrize("spec", SPECS.values(), ids=list(SPECS))
def test_entry_page_shows_the_name_as_text(spec: AppSpec) -> None:
    html = next(f.text for f in render_app(spec) if f.path == "index.html") or ""
    assert f"<title>{html_text(spec.name)}</title>" in html
    assert len(re.findall(r"<script\b", html)) == 1
    assert len(re.findall(r"<img\b", html)) == 0


def test_manifest_keeps_hostile_names_as_json_strings() -> None:
    spec = SPECS["every_text"]
    manifest = next(f.text for f in render_app(spec) if f.path == "manifest.webmanifest") or ""
    assert json.loads(manifest)["name"] == spec.name
