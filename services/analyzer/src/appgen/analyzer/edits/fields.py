"""Adding, removing, renaming a field, and making one required or optional."""

from __future__ import annotations

from dataclasses import dataclass

from appgen.analyzer.edits.kinds import new_field
from appgen.analyzer.edits.outcome import Refused
from appgen.analyzer.edits.phrases import ident, listed
from appgen.analyzer.edits.targets import (
    entity_named,
    field_named,
    implied_entity,
    owner_of_field,
)
from appgen.analyzer.edits.tidy import tidy
from appgen.analyzer.words import humanize
from appgen.spec import (
    AppSpec,
    Component,
    ComponentKind,
    Entity,
    EntityField,
    FieldType,
    ScreenKind,
)

MAX_FIELDS = 40
# Components whose `field` names one of the entity's fields, by name.
LIST_BODY = frozenset({ComponentKind.record_list, ComponentKind.card_grid})


@dataclass(frozen=True)
class NewField:
    """A field the prompt asks for: its words (fillers gone), and what it said about it."""

    words: list[str]
    required: bool = False
    choices: tuple[str, ...] = ()


def add_fields(spec: AppSpec, entity_phrase: str | None, wanted: list[NewField]) -> AppSpec:
    entity = (
        entity_named(spec, entity_phrase)
        if entity_phrase
        else implied_entity(spec, "add the field to", "add a due date to {list}")
    )
    fields = list(entity.fields)
    for item in wanted:
        field = new_field(item.words, required=item.required, choices=item.choices)
        _check_new(entity, fields, field)
        fields.append(field)
    if len(fields) > MAX_FIELDS:
        raise Refused(f"A list can have at most {MAX_FIELDS} fields; remove one first.")
    updated = entity.model_copy(update={"fields": tuple(fields)})
    spec = _replace(spec, updated)
    for field in fields[len(entity.fields) :]:
        if field.type is FieldType.choice:
            spec = _filter_on_list(spec, updated, field)
    return spec


def _check_new(entity: Entity, fields: list[EntityField], field: EntityField) -> None:
    for other in fields:
        if field.name == other.name:
            raise Refused(f"{entity.plural} already have a field called {other.label}.")
        if field.name == other.storage_key:
            # The renamed field's old values live under this key; a new one would read them.
            raise Refused(
                f"{entity.plural} keep the values of {other.label} under “{field.name}”; "
                "give the new field another name."
            )


def _filter_on_list(spec: AppSpec, entity: Entity, field: EntityField) -> AppSpec:
    """A new choice field gets filter chips on its list, when the list has none yet."""
    screens = []
    for screen in spec.screens:
        kinds = [c.kind for c in screen.components]
        if (
            screen.entity == entity.name
            and screen.kind is ScreenKind.list
            and ComponentKind.filter_chips not in kinds
        ):
            at = next((i for i, k in enumerate(kinds) if k in LIST_BODY), len(kinds))
            chips = Component(kind=ComponentKind.filter_chips, entity=entity.name, field=field.name)
            components = (*screen.components[:at], chips, *screen.components[at:])
            screen = screen.model_copy(update={"components": components})
        screens.append(screen)
    return spec.model_copy(update={"screens": tuple(screens)})


def remove_field(spec: AppSpec, entity_phrase: str | None, field_phrase: str) -> AppSpec:
    entity = _owner(spec, entity_phrase, field_phrase, "remove the field from", "remove")
    field = field_named(entity, field_phrase)
    if field.name == entity.title_field:
        raise Refused(
            f"{field.label} is the title of every {entity.label.lower()}, so it cannot go. "
            f"Rename it instead, for example “rename {field.label.lower()} to name on "
            f"{entity.plural.lower()}”."
        )
    if len(entity.fields) == 1:
        raise Refused(f"{field.label} is the only field of {entity.plural}; a list needs one.")
    fields = tuple(f for f in entity.fields if f.name != field.name)
    return tidy(_replace(spec, entity.model_copy(update={"fields": fields})))


def rename_field(
    spec: AppSpec, entity_phrase: str | None, field_phrase: str, new_words: list[str]
) -> AppSpec:
    """The field under a new name; its values stay under the key they were stored with."""
    entity = _owner(spec, entity_phrase, field_phrase, "rename the field in", "rename")
    field = field_named(entity, field_phrase)
    name = ident(new_words)
    if not name:
        raise Refused("Say the new name in letters, for example “rename title to name”.")
    for other in entity.fields:
        if other.name != field.name and name in (other.name, other.storage_key):
            raise Refused(
                f"{entity.plural} already have a field called {humanize(name)}; its fields are "
                f"{listed([f.label for f in entity.fields])}."
            )
    stored_as = field.storage_key if field.storage_key != name else None
    renamed = field.model_copy(
        update={"name": name, "label": humanize(name)[:80], "stored_as": stored_as}
    )
    fields = tuple(renamed if f.name == field.name else f for f in entity.fields)
    title = name if entity.title_field == field.name else entity.title_field
    updated = entity.model_copy(update={"fields": fields, "title_field": title})
    spec = _replace(spec, updated)
    screens = tuple(
        screen.model_copy(
            update={
                "components": tuple(
                    c.model_copy(update={"field": name})
                    if c.field == field.name and (c.entity or screen.entity) == entity.name
                    else c
                    for c in screen.components
                )
            }
        )
        for screen in spec.screens
    )
    return spec.model_copy(update={"screens": screens})


def set_required(
    spec: AppSpec, entity_phrase: str | None, field_phrase: str, *, required: bool
) -> AppSpec:
    word = "required" if required else "optional"
    entity = _owner(spec, entity_phrase, field_phrase, f"make the field {word} in", "make")
    field = field_named(entity, field_phrase)
    if field.type is FieldType.boolean and required:
        raise Refused(
            f"{field.label} is a yes/no field; “no” is always an answer, so it stays optional."
        )
    changed = field.model_copy(update={"required": required})
    fields = tuple(changed if f.name == field.name else f for f in entity.fields)
    return _replace(spec, entity.model_copy(update={"fields": fields}))


def _owner(
    spec: AppSpec, entity_phrase: str | None, field_phrase: str, doing: str, verb: str
) -> Entity:
    if entity_phrase:
        return entity_named(spec, entity_phrase)
    example = f"{verb} {field_phrase.strip()} on {{list}}"
    if verb == "make":
        example = f"make {field_phrase.strip()} required on {{list}}"
    return owner_of_field(spec, field_phrase, doing, example)


def _replace(spec: AppSpec, entity: Entity) -> AppSpec:
    entities = tuple(entity if e.name == entity.name else e for e in spec.entities)
    return spec.model_copy(update={"entities": entities})
