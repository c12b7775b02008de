"""The web renderer's file sets: what each call writes, and that the app is whole at each stage."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import PurePosixPath

import pytest

from appgen.analyzer.rules import analyze
from appgen.events.catalog.files import check_relative_path
from appgen.render import (
    render_app,
    render_base,
    render_components,
    render_preview_setup,
    render_screen,
    screen_path,
)
from appgen.render._static import component_path, runtime_text
from appgen.render._theme import on_colour, theme_css
from appgen.render.samples import kitchen_sink
from appgen.spec import AppSpec, ComponentKind

pytestmark = pytest.mark.unit

PROMPTS = ["Create a todo list app", "a plant watering tracker with reminders", "a budget app"]
IMPORT = re.compile(r"""(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}/[^"'`$]+)["']""")


def specs() -> list[AppSpec]:
    return [kitchen_sink(), *(analyze(p) for p in PROMPTS)]


def paths(files: list) -> list[str]:  # type: ignore[type-arg]
    return [f.path for f in files]


@pytest.mark.parametrize("spec", specs(), ids=lambda s: s.slug)
def test_each_call_writes_its_own_files(spec: AppSpec) -> None:
    base = paths(render_base(spec))
    assert {"app/spec.js", "app/main.js", "app/router.js", "app/store.js", "styles/app.css"} <= set(
        base
    )
    assert screen_path(spec.screen(spec.home)) in base
    assert not any(p.startswith("app/components/") for p in base)
    assert paths(render_preview_setup(spec)) == ["index.html", "manifest.webmanifest", "sw.js"]
    for screen in spec.screens:
        assert paths(render_screen(spec, screen)) == [f"app/screens/{screen.route}.js"]
    assert paths(render_components(spec)) == [
        f"app/components/{kind.value}.js" for kind in spec.component_kinds
    ]


@pytest.mark.parametrize("spec", specs(), ids=lambda s: s.slug)
def test_render_app_is_every_file_once_with_a_module_per_screen(spec: AppSpec) -> None:
    everything = paths(render_app(spec))
    assert len(everything) == len(set(everything))
    for path in everything:
        assert check_relative_path(path) == path
    for screen in spec.screens:
        assert f"app/screens/{screen.route}.js" in everything
    expected = set(paths(render_base(spec)) + paths(render_preview_setup(spec)))
    expected |= {f"app/screens/{s.route}.js" for s in spec.screens}
    expected |= set(paths(render_components(spec)))
    assert set(everything) == expected


def test_screen_of_another_app_is_refused() -> None:
    todo, sink = analyze("Create a todo list app"), kitchen_sink()
    stranger = next(s for s in sink.screens if s.route not in {t.route for t in todo.screens})
    with pytest.raises(ValueError, match="not a screen"):
        render_screen(todo, stranger)


def test_every_component_kind_has_a_module() -> None:
    for kind in ComponentKind:
        text = runtime_text(component_path(kind))
        assert "export default" in text, kind


def _imports(path: str, text: str) -> set[str]:
    folder = PurePosixPath(path).parent
    resolved: set[str] = set()
    for match in IMPORT.finditer(text):
        parts: list[str] = list(folder.parts)
        for part in PurePosixPath(match.group(1)).parts:
            if part == "..":
                parts.pop()
            elif part != ".":
                parts.append(part)
        resolved.add("/".join(parts))
    return resolved


@pytest.mark.parametrize("spec", specs(), ids=lambda s: s.slug)
def test_static_imports_resolve_within_each_stage(spec: AppSpec) -> None:
    """Screens and components only statically import what the base already wrote."""
    base = {f.path: f.text or "" for f in render_base(spec)}
    for path, text in base.items():
        assert _imports(path, text) <= set(base), path
    later = [f for s in spec.screens for f in render_screen(spec, s)] + render_components(spec)
    for file in later:
        assert _imports(file.path, file.text or "") <= set(base), file.path


def test_base_runtime_never_uses_markup_sinks() -> None:
    for file in render_app(kitchen_sink()):
        if file.path.endswith(".js"):
            text = file.text or ""
            for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
                assert sink not in text, (file.path, sink)
            assert "new Function" not in text, file.path


def test_entry_page_loads_the_app_as_a_module_without_inline_script() -> None:
    page = next(f for f in render_preview_setup(kitchen_sink()) if f.path == "index.html")
    html = page.text or ""
    assert '<script type="module" src="app/main.js"></script>' in html
    assert len(re.findall(r"<script\b", html)) == 1
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert 'rel="manifest" href="manifest.webmanifest"' in html
    assert page.content_type.startswith("text/html")


@pytest.mark.parametrize("spec", specs(), ids=lambda s: s.slug)
def test_manifest_is_valid_and_names_the_agreed_icons(spec: AppSpec) -> None:
    file = next(f for f in render_preview_setup(spec) if f.path == "manifest.webmanifest")
    data = json.loads(file.text or "")
    assert data["name"] == spec.name
    assert len(data["short_name"]) <= 12
    assert data["start_url"] == "./"
    assert data["display"] == "standalone"
    sources = {icon["src"] for icon in data["icons"]}
    assert {"assets/icon-192.png", "assets/icon-512.png"} <= sources
    assert data["theme_color"] == spec.theme.primary


def test_spec_module_round_trips_to_the_spec() -> None:
    spec = kitchen_sink()
    text = next(f.text for f in render_base(spec) if f.path == "app/spec.js") or ""
    literal = text.split("export const spec = ", 1)[1].split(";\nexport default", 1)[0]
    data = json.loads(literal)
    assert AppSpec.model_validate(data) == spec


def test_theme_has_light_and_dark_and_readable_text_on_primary() -> None:
    spec = kitchen_sink()
    css = theme_css(spec.theme)
    assert f"--primary: {spec.theme.primary};" in css
    assert css.count(f"--bg: {spec.theme.dark_background};") == 2
    assert ':root[data-theme="dark"]' in css
    assert "prefers-color-scheme: dark" in css
    assert on_colour("#000000") == "#ffffff"
    assert on_colour("#ffffff") == "#111114"
    assert on_colour("#facc15") == "#111114"
    styles = next(f.text for f in render_base(spec) if f.path == "styles/app.css") or ""
    assert styles.startswith("/* Theme of this app. */")


def test_output_is_deterministic_across_processes() -> None:
    """Same spec, same bytes, whatever the hash seed orders sets by (features are a frozenset)."""
    program = (
        "from appgen.render import render_app; from appgen.render.samples import kitchen_sink;"
        "print('|'.join(f.path + ':' + f.sha256 for f in render_app(kitchen_sink())))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    here = "|".join(f"{f.path}:{f.sha256}" for f in render_app(kitchen_sink()))
    assert outputs == {here + "\n"}
