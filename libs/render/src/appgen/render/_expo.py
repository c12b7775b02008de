"""The Expo renderer: an AppSpec in, an Expo Router TypeScript project for Expo SDK 54 out.

The web renderer and this one share the spec and differ only in output. Like the web runtime,
the shared code (views, store, theme) is static TypeScript shipped with this package; the
generated files hold the spec as data (`src/spec.ts`, one file per screen), so no spec text is
ever code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from appgen.events import FileWrite
from appgen.render._expo_documents import (
    FAVICON,
    ICON,
    app_json,
    package_json,
    readme,
    registry_module,
    screen_file,
    spec_module,
)
from appgen.render._expo_pictures import icon_and_favicon
from appgen.spec import AppSpec, ComponentKind, Screen

# The static part of the project, listed, not globbed, so nothing ships by accident.
STATIC: tuple[str, ...] = (
    "tsconfig.json",
    "expo-env.d.ts",
    "app/_layout.tsx",
    "app/(tabs)/_layout.tsx",
    "app/record_view.tsx",
    "app/record_edit.tsx",
    "src/types.ts",
    "src/store.ts",
    "src/theme.tsx",
    "src/format.ts",
    "src/links.ts",
    "src/ui.tsx",
    "src/fallbacks.tsx",
    "src/views/shared.tsx",
    "src/views/ScreenView.tsx",
    "src/views/ListView.tsx",
    "src/views/DetailView.tsx",
    "src/views/FormView.tsx",
    "src/views/DashboardView.tsx",
    "src/views/SettingsView.tsx",
    "src/views/AboutView.tsx",
)
INDEX = "app/index.tsx"
_TYPES = {
    ".ts": "text/typescript; charset=utf-8",
    ".tsx": "text/typescript; charset=utf-8",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
}
PNG = "image/png"


@dataclass(frozen=True)
class ExpoProject:
    """The project's files (text inline, pictures as blobs) and the bytes of those blobs."""

    files: list[FileWrite]
    blobs: dict[str, bytes] = field(default_factory=dict)

    def data(self, write: FileWrite) -> bytes:
        return write.text.encode() if write.text is not None else self.blobs[write.sha256]

    def contents(self) -> dict[str, bytes]:
        """Every file's bytes by path."""
        return {w.path: self.data(w) for w in self.files}


@cache
def template(path: str) -> str:
    """The text of one static file, by its path in the package's expo folder."""
    return (files("appgen.render") / "expo" / path).read_text(encoding="utf-8")


def _text(path: str, text: str) -> FileWrite:
    suffix = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""
    return FileWrite.of_text(path, text, _TYPES.get(suffix, "text/plain; charset=utf-8"))


def expo_screen_path(screen: Screen) -> str:
    return f"app/(tabs)/{screen.route}.tsx" if screen.in_tab_bar else f"app/{screen.route}.tsx"


def component_file(kind: ComponentKind) -> str:
    return f"components/{kind.value}.tsx"


def expo_image_paths(paths: Iterable[str]) -> list[str]:
    """Which of a project's files `render_expo` reads: the images stage's raster icons
    (`assets/icon-<size>.png`), largest first."""
    sizes = []
    for path in paths:
        stem = path.removeprefix("assets/icon-").removesuffix(".png")
        if path.startswith("assets/icon-") and path.endswith(".png") and stem.isdigit():
            sizes.append((int(stem), path))
    return [path for _, path in sorted(sizes, reverse=True)]


def _icon_source(images: Mapping[str, bytes]) -> bytes | None:
    found = expo_image_paths(images)
    return images[found[0]] if found else None


def render_expo(spec: AppSpec, images: Mapping[str, bytes] | None = None) -> ExpoProject:
    """The Expo project of `spec`, every file in path order.

    `images` are the project's files by path (only `assets/icon-<size>.png` is read): the images
    stage's icon, scaled to the sizes Expo asks for; without it a themed stand-in is drawn.
    """
    writes = [
        _text("package.json", package_json(spec)),
        _text("app.json", app_json(spec)),
        _text("README.md", readme(spec)),
        _text("src/spec.ts", spec_module(spec)),
        _text("src/components.ts", registry_module(spec.component_kinds)),
    ]
    writes += [_text(path, template(path)) for path in STATIC]
    if all(s.route != "index" for s in spec.screens):
        writes.append(_text(INDEX, template(INDEX)))
    writes += [_text(expo_screen_path(s), screen_file(s)) for s in spec.screens]
    writes += [_text(component_file(k), template(component_file(k))) for k in spec.component_kinds]
    icon, favicon = icon_and_favicon(
        _icon_source(images or {}), spec.theme.primary, spec.theme.accent
    )
    blobs = {}
    for path, data in ((ICON, icon), (FAVICON, favicon)):
        write = FileWrite.of_blob(path, data, PNG)
        writes.append(write)
        blobs[write.sha256] = data
    return ExpoProject(sorted(writes, key=lambda w: w.path), blobs)
