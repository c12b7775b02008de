"""The native stage's pure parts: the project adjusted for the web build and for Metro, built
file paths, content types, and its events beside the generation (never its headline)."""

from __future__ import annotations

import json

import pytest

from appgen.analyzer import analyze
from appgen.events import (
    GENERATION_STAGES,
    AnalysisCompleted,
    BuiltFile,
    NativeBuildFailed,
    NativeBuilt,
    NativePreviewReady,
    ProjectCompleted,
    ProjectRequested,
    Stage,
)
from appgen.events.catalog.native import BASE_URL_TOKEN
from appgen.events.read.projection import fold
from appgen.native.project import (
    METRO_ENTRY,
    content_type,
    expo_files,
    for_metro,
    for_web,
    version_at,
)

pytestmark = pytest.mark.unit

SPEC = analyze("a plant watering tracker with reminders")
DIGEST = "0" * 64


def test_the_web_build_has_the_native_path_as_its_base_url_with_a_token_placeholder() -> None:
    files = for_web(expo_files(SPEC, {}))
    app = json.loads(files["app.json"])["expo"]
    assert app["experiments"]["baseUrl"] == f"/preview/{BASE_URL_TOKEN}/native"
    assert app["name"] == SPEC.name


def test_metro_gets_an_entry_file_inside_the_project() -> None:
    files = for_metro(expo_files(SPEC, {}))
    assert json.loads(files["package.json"])["main"] == METRO_ENTRY
    assert files[METRO_ENTRY] == b'import "expo-router/entry";\n'


def test_the_version_is_the_spec_at_the_last_event() -> None:
    events = [
        (1, ProjectRequested(project_id="p1", prompt="plants please")),
        (2, AnalysisCompleted(project_id="p1", spec=SPEC)),
        (3, ProjectCompleted(project_id="p1")),
    ]
    assert version_at(events[:1]) is None
    version = version_at(events)
    assert version is not None
    assert (version.number, version.position, version.spec) == (1, 3, SPEC)


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "_expo/static/js/web/entry-0a1b.js",
        "assets/_6bd2/node_modules/@react-navigation/elements/close-icon@2x.png",
    ],
)
def test_a_bundler_s_file_names_are_accepted(path: str) -> None:
    assert BuiltFile(path=path, content_type="x", size=1, sha256=DIGEST).path == path


@pytest.mark.parametrize("path", ["", "/etc/passwd", "a/../b", "..", "a//b", "a\\b", "./a"])
def test_a_built_path_that_could_leave_its_folder_is_refused(path: str) -> None:
    with pytest.raises(ValueError, match="path"):
        BuiltFile(path=path, content_type="x", size=1, sha256=DIGEST)


def test_content_types() -> None:
    assert content_type("_expo/static/js/web/entry-1.js") == "text/javascript"
    assert content_type("index.html") == "text/html"
    assert content_type("favicon.ico") == "image/x-icon"
    assert content_type("a/b@2x.png") == "image/png"
    assert content_type("metadata") == "application/octet-stream"


def test_native_events_never_move_the_headline() -> None:
    assert Stage.native not in GENERATION_STAGES
    assert Stage.native.is_aside
    built = NativeBuilt(
        project_id="p1",
        version=1,
        position=3,
        seconds=1.0,
        sdk=54,
        files=(BuiltFile(path="index.html", content_type="text/html", size=1, sha256=DIGEST),),
    )
    running = [
        (1, ProjectRequested(project_id="p1", prompt="plants please")),
        (2, AnalysisCompleted(project_id="p1", spec=SPEC)),
    ]
    before = fold(running)
    after = fold(
        [*running, (3, NativePreviewReady(project_id="p1", expo_url="exp://h:1", seconds=1))]
    )
    assert (after.stage, after.status, after.progress) == (before.stage, "running", before.progress)
    done = [*running, (3, ProjectCompleted(project_id="p1"))]
    failed = NativeBuildFailed(project_id="p1", version=1, position=3, seconds=1, reason="tsc")
    state = fold([*done, (4, built), (5, failed)])
    assert (state.stage, state.status, state.progress) == (Stage.complete, "complete", 100)
    assert state.failure_reason is None
