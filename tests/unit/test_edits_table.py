"""The edit engine against the public table of edits (tests/unit/edit_cases.py), plus `diff`
and the runtime's use of storage keys."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from appgen.analyzer.edits import Refusal, Revision, revise
from appgen.analyzer.rules import analyze
from appgen.render import render_app
from appgen.render._theme import theme_css
from appgen.spec import AppSpec, Entity, Feature, diff
from tests.unit.edit_cases import CASES, EditCase

pytestmark = pytest.mark.unit


@cache
def app(prompt: str) -> AppSpec:
    return analyze(prompt)


def _entity(spec: AppSpec, name: str) -> Entity | None:
    return next((e for e in spec.entities if e.name == name), None)


def check(spec: AppSpec, expectation: str) -> None:
    """One expectation of the table's little language holds for `spec`."""
    words = expectation.split()
    negated = words[0] == "no"
    if negated:
        words = words[1:]
    head, rest = words[0], words[1:]
    if head == "field":
        owner, _, name = rest[0].partition(".")
        entity = _entity(spec, owner)
        assert entity is not None, f"no entity {owner}"
        field = next((f for f in entity.fields if f.name == name), None)
        if negated:
            assert field is None, f"{rest[0]} should be gone"
            return
        assert field is not None, f"no field {rest[0]}: {[f.name for f in entity.fields]}"
        if rest[1:2] == ["type"]:
            assert field.type.value == rest[2]
        elif rest[1:2] == ["choices"]:
            assert ",".join(field.choices) == " ".join(rest[2:])
        elif rest[1:2] == ["stored_as"]:
            assert field.stored_as == rest[2]
        elif rest[1:2] in (["required"], ["optional"]):
            assert field.required is (rest[1] == "required")
    elif head == "entity":
        entity = _entity(spec, rest[0])
        assert (entity is None) is negated, f"entity {rest[0]}: {[e.name for e in spec.entities]}"
        if entity is not None and rest[1:2] == ["stored_as"]:
            assert entity.stored_as == rest[2]
    elif head == "screen":
        screen = next((s for s in spec.screens if s.route == rest[0]), None)
        assert (screen is None) is negated, f"screen {rest[0]}: {[s.route for s in spec.screens]}"
        if screen is not None and rest[1:2] == ["title"]:
            assert screen.title == " ".join(rest[2:])
    elif head == "component":
        kind, route = rest[0], rest[2]
        screen = next((s for s in spec.screens if s.route == route), None)
        kinds = [c.kind.value for c in screen.components] if screen else []
        assert (kind in kinds) is not negated, f"{kind} on {route}: {kinds}"
    elif head == "feature":
        assert (rest[0] in spec.features) is (rest[1] == "on")
    elif head.startswith("theme."):
        assert str(getattr(spec.theme, head.removeprefix("theme."))) == rest[0]
    elif head in ("name", "slug", "home"):
        assert getattr(spec, head) == " ".join(rest)
    else:
        raise AssertionError(f"unknown expectation {expectation!r}")


@pytest.mark.parametrize("case", CASES, ids=[f"{c.app}: {c.edit}" for c in CASES])
def test_edit_table(case: EditCase) -> None:
    before = app(case.app)
    outcome = revise(before, case.edit)
    if case.expect.startswith("refused contains "):
        wanted = case.expect.removeprefix("refused contains ").strip('"')
        assert isinstance(outcome, Refusal), f"made {outcome}"
        assert wanted in outcome.reason
        assert outcome.reason.endswith(("”.", "?", ".")), outcome.reason
        return
    assert isinstance(outcome, Revision), outcome
    assert outcome.changes, "a revision says what changed"
    assert AppSpec.model_validate(outcome.spec.model_dump()) == outcome.spec
    assert outcome.spec.slug == before.slug, "records are stored under the slug"
    for expectation in case.expect.split(" ; "):
        check(outcome.spec, expectation)


def test_table_is_broad() -> None:
    assert len(CASES) >= 45
    assert len({c.app for c in CASES}) >= 8
    assert sum(c.expect.startswith("refused") for c in CASES) >= 10


def test_revise_is_deterministic_and_leaves_the_input_alone() -> None:
    spec = app("a task manager")
    snapshot = spec.model_dump()
    first = revise(spec, "add a due date to projects and make it dark")
    second = revise(spec, "add a due date to projects and make it dark")
    assert first == second
    assert spec.model_dump() == snapshot


def test_a_refused_step_refuses_the_whole_prompt() -> None:
    outcome = revise(app("a task manager"), "make it dark; remove gizmos")
    assert isinstance(outcome, Refusal)


def test_hostile_words_never_reach_identifiers() -> None:
    spec = app("a task manager")
    outcome = revise(spec, 'add a <script>alert(1)</script> "../../etc" field to tasks')
    if isinstance(outcome, Revision):
        for entity in outcome.spec.entities:
            for field in entity.fields:
                assert field.name.replace("_", "").isalnum()
    long_name = revise(spec, "call the app " + "Z" * 300)
    assert isinstance(long_name, Revision)
    assert len(long_name.spec.name) == 80


def test_renaming_back_clears_the_stored_key() -> None:
    spec = app("a task manager")
    renamed = revise(spec, "rename tasks to chores")
    assert isinstance(renamed, Revision)
    back = revise(renamed.spec, "rename chores to tasks")
    assert isinstance(back, Revision)
    assert back.spec.entity("task").stored_as is None


# diff, on its own


def test_diff_sees_a_rename_as_a_rename() -> None:
    old = app("a task manager")
    new = revise(old, "rename tasks to todos")
    assert isinstance(new, Revision)
    entity_changes = [c for c in diff(old, new.spec) if c.target == "entity"]
    assert [(c.action, c.name) for c in entity_changes] == [("renamed", "todo")]
    assert entity_changes[0].summary == "Renamed Tasks to Todos"


def test_diff_names_an_added_field_and_a_removed_screen() -> None:
    old = app("a task manager")
    task = old.entity("task")
    fields = (
        *task.fields,
        task.fields[0].model_copy(update={"name": "mood", "label": "Mood", "required": False}),
    )
    entities = (task.model_copy(update={"fields": fields}), *old.entities[1:])
    screens = tuple(s for s in old.screens if s.route != "about")
    new = AppSpec.model_validate(
        old.model_copy(update={"entities": entities, "screens": screens}).model_dump()
    )
    changes = diff(old, new)
    assert [(c.action, c.target, c.name) for c in changes] == [
        ("added", "field", "task.mood"),
        ("removed", "screen", "about"),
    ]
    assert changes[0].summary == "Added field Mood (text) to Task"


def test_diff_of_theme_and_features() -> None:
    old = app("a task manager")
    theme = old.theme.model_copy(update={"appearance": "dark", "radius": 20})
    new = old.model_copy(update={"theme": theme, "features": old.features | {Feature.search}})
    changes = diff(old, new)
    assert {(c.action, c.target, c.name) for c in changes} == {
        ("changed", "theme", "appearance"),
        ("changed", "theme", "radius"),
        ("added", "feature", "search"),
    }
    assert diff(old, old) == ()


# the runtime honours storage keys and appearance


def test_rendered_store_reads_records_by_storage_key() -> None:
    revised = revise(app("a task manager"), "rename tasks to todos; rename title to name on todos")
    assert isinstance(revised, Revision)
    files = {f.path: f.text or "" for f in render_app(revised.spec)}
    store = files["app/store.js"]
    assert "item.stored_as ?? item.name" in store
    for piece in ("recordsKey(entity)", "fromStored(", "toStored("):
        assert piece in store
    spec_js = files["app/spec.js"]
    assert '"stored_as":"task"' in spec_js.replace(" ", "")
    assert '"stored_as":"title"' in spec_js.replace(" ", "")


def test_theme_css_follows_the_appearance() -> None:
    theme = app("a task manager").theme
    auto = theme_css(theme)
    dark = theme_css(theme.model_copy(update={"appearance": "dark"}))
    light = theme_css(theme.model_copy(update={"appearance": "light"}))
    assert ':root:not([data-theme="light"])' in auto
    assert ":root:not([data-theme])" in dark
    assert ":root:not([data-theme])" not in light
    assert ':root[data-theme="system"]' in light


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="needs node to run the generated store")
def test_records_survive_a_rename_in_the_running_store(tmp_path: Path) -> None:
    """Save a task with the first spec, rename the list and its title, read it back."""
    before = app("a task manager")
    after = revise(before, "rename tasks to chores; rename title to name on chores")
    assert isinstance(after, Revision)
    for folder, spec in (("before", before), ("after", after.spec)):
        for file in render_app(spec):
            if file.path.startswith("app/") and file.text is not None:
                target = tmp_path / folder / file.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(file.text)
        (tmp_path / folder / "package.json").write_text('{"type": "module"}')
    script = tmp_path / "run.mjs"
    script.write_text(
        """
const memory = new Map();
globalThis.window = { localStorage: {
  getItem: (k) => (memory.has(k) ? memory.get(k) : null),
  setItem: (k, v) => memory.set(k, String(v)),
  removeItem: (k) => memory.delete(k),
}, isSecureContext: false };
const first = await import("./before/app/store.js");
first.store.save("task", { title: "Water the plants", done: false });
const second = await import("./after/app/store.js");
const [record] = second.store.all("chore");
second.store.save("chore", { name: "Water the ferns" }, record.id);
console.log(JSON.stringify({ read: record, keys: [...memory.keys()], raw: JSON.parse([...memory.values()][0]) }));
"""
    )
    result = subprocess.run(
        [NODE or "node", str(script)], capture_output=True, text=True, check=True, timeout=30
    )
    seen = json.loads(result.stdout)
    assert seen["read"]["name"] == "Water the plants"
    assert "title" not in seen["read"]
    assert seen["keys"] == ["appgen:task_manager:records:task"]
    assert seen["raw"][0]["title"] == "Water the ferns"
