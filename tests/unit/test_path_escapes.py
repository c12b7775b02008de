"""No path from a spec, a model or an event can name a file outside its project."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from appgen.events import FileWrite, check_relative_path
from appgen.render.samples import kitchen_sink
from appgen.spec import AppSpec

pytestmark = pytest.mark.unit

ESCAPES = [
    "../etc/passwd",
    "screens/../../secret",
    "/etc/passwd",
    "\\\\server\\share",
    "screens\\..\\..\\x.js",
    "./index.html",
    "screens//x.js",
    "",
    ".hidden",
    "screens/.",
    "a/" * 130 + "x",
    "C:/windows/system32",
    "screens/%2e%2e/x.js",
    "screens/x.js\x00.png",
    "~/x.js",
    "app/(tabs",
    "app/()/x.tsx",
    "app/(../x)/y",
    "app/(Tabs)/x.tsx",
    "app/(tabs)x/y.tsx",
]


@pytest.mark.parametrize("path", ESCAPES)
def test_unsafe_file_paths_are_rejected(path: str) -> None:
    with pytest.raises(ValueError, match="file path"):
        check_relative_path(path)
    with pytest.raises(ValidationError):
        FileWrite.of_text(path, "x", "text/plain")


@pytest.mark.parametrize("path", ["app/(tabs)/_layout.tsx", "app/(tabs)/home.tsx"])
def test_an_expo_router_group_folder_is_a_safe_segment(path: str) -> None:
    assert check_relative_path(path) == path


@pytest.mark.parametrize("route", ["../x", "a/b", "/abs", "x\\y", "..", "a.b", "A", "%2e%2e"])
def test_a_spec_route_that_would_become_an_unsafe_file_is_rejected(route: str) -> None:
    data = kitchen_sink().model_dump()
    data["screens"][0]["route"] = route
    with pytest.raises(ValidationError):
        AppSpec.model_validate(data)


def test_every_rendered_file_of_a_valid_spec_has_a_safe_path() -> None:
    from appgen.render import render_app

    for file in render_app(kitchen_sink()):
        assert check_relative_path(file.path) == file.path
