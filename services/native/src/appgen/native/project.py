"""What the native stage builds and serves, as pure functions of a project's events: the Expo
project of a version, adjusted for the web build (a base URL) or for Metro (an entry file)."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from appgen.events import Event, FileWrite, edit_queue
from appgen.events.catalog.native import BASE_URL_TOKEN
from appgen.events.read.projection import file_tree
from appgen.render import expo_image_paths, render_expo
from appgen.spec import AppSpec

# The entry Metro serves to Expo Go. Expo names the bundle after the main module's path from the
# server root; `expo-router/entry` resolves through the `node_modules` link into the shared
# tree, outside the project (`/../../…/entry.bundle`, which a phone normalises away), so the
# project gets an entry file of its own.
METRO_ENTRY = "index.js"
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".json": "application/json",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".ttf": "font/ttf",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True)
class Version:
    """A project's version at a position: the spec to render and the images stage's pictures."""

    number: int
    position: int
    spec: AppSpec
    images: Mapping[str, FileWrite]


def version_at(records: Sequence[tuple[int, Event]]) -> Version | None:
    """The version the last of `records` stands at, or None before there is a spec."""
    if not records:
        return None
    queue = edit_queue(records)
    if queue.spec is None:
        return None
    tree = file_tree(records)
    images = {path: tree[path] for path in expo_image_paths(tree)}
    return Version(queue.version, records[-1][0], queue.spec, images)


def expo_files(spec: AppSpec, images: Mapping[str, bytes]) -> dict[str, bytes]:
    return render_expo(spec, images).contents()


def for_web(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The project with its web base URL set to the gateway's native path, the token left as a
    placeholder: the gateway puts the preview's token in when it serves the files."""
    app = json.loads(files["app.json"])
    app["expo"].setdefault("experiments", {})["baseUrl"] = f"/preview/{BASE_URL_TOKEN}/native"
    return {**files, "app.json": (json.dumps(app, indent=2) + "\n").encode()}


def for_metro(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The project with an entry file inside it, for `expo start` (see METRO_ENTRY)."""
    package = json.loads(files["package.json"])
    package["main"] = METRO_ENTRY
    return {
        **files,
        "package.json": (json.dumps(package, indent=2) + "\n").encode(),
        METRO_ENTRY: b'import "expo-router/entry";\n',
    }


def content_type(path: str) -> str:
    suffix = path[path.rfind(".") :].lower() if "." in path else ""
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
