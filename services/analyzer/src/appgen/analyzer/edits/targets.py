"""Which list, field or screen a phrase means, or a refusal that names the choices."""

from __future__ import annotations

from appgen.analyzer.edits.outcome import Refused
from appgen.analyzer.edits.phrases import key, listed
from appgen.spec import AppSpec, Entity, EntityField, Screen, ScreenKind

# Words people put after a list's name that are not part of it: "the task list".
LIST_WORDS = frozenset({"list", "lists", "record", "records", "section", "sections"})


def entity_keys(entity: Entity) -> set[str]:
    return {key(entity.name), key(entity.label), key(entity.plural), key(entity.storage_key)}


def find_entity(spec: AppSpec, phrase: str) -> Entity | None:
    """The entity `phrase` names by name, label or plural, in either number, or None."""
    wanted = key(phrase)
    trimmed = " ".join(w for w in wanted.split() if w not in LIST_WORDS)
    for candidate in (wanted, trimmed):
        found = [e for e in spec.entities if candidate and candidate in entity_keys(e)]
        if len(found) == 1:
            return found[0]
    return None


def entity_named(spec: AppSpec, phrase: str) -> Entity:
    found = find_entity(spec, phrase)
    if found is None:
        raise Refused(
            f"There is no list called “{phrase.strip()}”. Your lists are {lists(spec)}. "
            f"Say, for example, “{example_field_edit(spec)}”."
        )
    return found


def find_field(entity: Entity, phrase: str) -> EntityField | None:
    """The field `phrase` names; or the one field whose name starts with it ("duration" for
    duration_minutes)."""
    wanted = key(phrase)
    if not wanted:
        return None
    for field in entity.fields:
        if wanted in {key(field.name), key(field.label), key(field.storage_key)}:
            return field
    starting = [f for f in entity.fields if key(f.name).startswith(wanted + " ")]
    return starting[0] if len(starting) == 1 else None


def field_named(entity: Entity, phrase: str) -> EntityField:
    found = find_field(entity, phrase)
    if found is None:
        raise Refused(
            f"There is no field called “{phrase.strip()}” on {entity.plural}; its fields are "
            f"{listed([f.label for f in entity.fields])}."
        )
    return found


def owner_of_field(spec: AppSpec, phrase: str, doing: str, example: str) -> Entity:
    """The one entity with a field `phrase` names, when the prompt names no list.

    `doing` completes "which list to …"; `example` is an edit with a `{list}` to fill in.
    """
    owners = [e for e in spec.entities if find_field(e, phrase) is not None]
    if len(owners) == 1:
        return owners[0]
    if not owners:
        if len(spec.entities) == 1:
            field_named(spec.entities[0], phrase)
        raise Refused(
            f"None of your lists has a field called “{phrase.strip()}”; your lists are "
            f"{lists(spec)}."
        )
    return which_list(owners, doing, example)


def implied_entity(spec: AppSpec, doing: str, example: str) -> Entity:
    """The list an edit means when it names none: the app's only one."""
    if len(spec.entities) == 1:
        return spec.entities[0]
    if not spec.entities:
        raise Refused(
            "This app has no lists yet. Add one first, for example “add a projects list”."
        )
    return which_list(list(spec.entities), doing, example)


def which_list(candidates: list[Entity], doing: str, example: str) -> Entity:
    names = listed([e.plural for e in candidates], "or")
    raise Refused(
        f"I could not tell which list to {doing}: {names}? Say, for example, "
        f"“{example.format(list=candidates[0].plural.lower())}”."
    )


def find_screen(spec: AppSpec, phrase: str) -> Screen | None:
    """The screen `phrase` names by title or route; a list screen before a record's screens."""
    wanted = key(phrase)
    exact = [s for s in spec.screens if s.title.lower() == phrase.strip().lower()]
    matches = exact or [s for s in spec.screens if wanted in {key(s.title), key(s.route)}]
    if not matches:
        return None
    ranked = sorted(
        matches, key=lambda s: (s.kind in (ScreenKind.detail, ScreenKind.form), not s.in_tab_bar)
    )
    return ranked[0]


def screen_named(spec: AppSpec, phrase: str) -> Screen:
    found = find_screen(spec, phrase)
    if found is None:
        titles = listed([s.title for s in spec.screens if s.kind not in RECORD_SCREENS])
        raise Refused(f"There is no screen called “{phrase.strip()}”; the screens are {titles}.")
    return found


RECORD_SCREENS = frozenset({ScreenKind.detail, ScreenKind.form})


def lists(spec: AppSpec) -> str:
    return listed([e.plural for e in spec.entities]) or "none yet"


def example_field_edit(spec: AppSpec, entity: Entity | None = None) -> str:
    chosen = entity or (spec.entities[0] if spec.entities else None)
    return f"add a due date to {chosen.plural.lower()}" if chosen else "add a projects list"
