"""The web renderer: an AppSpec in, the files of a working mobile-first web app out.

Files arrive at the preview in stages (base and preview setup, then each screen, then the
components), and the app works at every stage; see the runtime's router and components loader.
"""

from __future__ import annotations

from appgen.events import FileWrite
from appgen.render._documents import (
    index_html,
    manifest,
    screen_module,
    service_worker,
    spec_module,
)
from appgen.render._static import BASE_MODULES, STYLES, component_path, runtime_text
from appgen.render._theme import theme_css
from appgen.spec import AppSpec, Screen

JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
HTML = "text/html; charset=utf-8"
MANIFEST = "application/manifest+json"


def screen_path(screen: Screen) -> str:
    return f"app/screens/{screen.route}.js"


def render_base(spec: AppSpec) -> list[FileWrite]:
    """The app shell: spec, runtime (router, store, views, tab bar), styles, and the home screen."""
    files = [FileWrite.of_text("app/spec.js", spec_module(spec), JS)]
    files += [FileWrite.of_text(path, runtime_text(path), JS) for path in BASE_MODULES]
    styles = f"/* Theme of this app. */\n{theme_css(spec.theme)}\n{runtime_text(STYLES)}"
    files.append(FileWrite.of_text(STYLES, styles, CSS))
    files += render_screen(spec, spec.screen(spec.home))
    return files


def render_preview_setup(spec: AppSpec) -> list[FileWrite]:
    """The entry page, the PWA manifest and the offline service worker."""
    return [
        FileWrite.of_text("index.html", index_html(spec), HTML),
        FileWrite.of_text("manifest.webmanifest", manifest(spec), MANIFEST),
        FileWrite.of_text("sw.js", service_worker(spec), JS),
    ]


def render_screen(spec: AppSpec, screen: Screen) -> list[FileWrite]:
    """The module of one screen. `spec` is the app it belongs to; the route must be one of its."""
    if screen.route not in {s.route for s in spec.screens}:
        raise ValueError(f"screen {screen.route!r} is not a screen of {spec.slug!r}")
    return [FileWrite.of_text(screen_path(screen), screen_module(screen), JS)]


def render_components(spec: AppSpec) -> list[FileWrite]:
    """One module per component kind the app's screens use, in first-use order."""
    return [
        FileWrite.of_text(component_path(kind), runtime_text(component_path(kind)), JS)
        for kind in spec.component_kinds
    ]


def render_app(spec: AppSpec) -> list[FileWrite]:
    """Every file, in arrival order; a later write of a path replaces the earlier one in place."""
    by_path: dict[str, FileWrite] = {}
    writes = render_base(spec) + render_preview_setup(spec)
    for screen in spec.screens:
        writes += render_screen(spec, screen)
    writes += render_components(spec)
    for write in writes:
        by_path[write.path] = write
    return list(by_path.values())
