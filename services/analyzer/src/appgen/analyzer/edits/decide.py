"""Deciding what a phrase names when the words alone do not say: "remove notes" is the notes
list when there is one, else the notes field; "add projects" is a new list, "add a price" a
field. Decided when the step runs, against the spec as it is then."""

from __future__ import annotations

import re

from appgen.analyzer.edits.entities import add_entity, remove_entity, rename_entity
from appgen.analyzer.edits.fields import NewField, add_fields, remove_field, rename_field
from appgen.analyzer.edits.kinds import infer_type
from appgen.analyzer.edits.outcome import Refused
from appgen.analyzer.edits.phrases import bare, content_words, key
from appgen.analyzer.edits.screens import remove_screen, rename_screen
from appgen.analyzer.edits.targets import find_entity, find_field, find_screen, lists
from appgen.analyzer.lexicon import ATTRIBUTES
from appgen.analyzer.words import singular
from appgen.spec import AppSpec, FieldType

_FIELD_WORD = re.compile(r"\b(?:field|column)s?\b", re.IGNORECASE)


def add_something(
    spec: AppSpec,
    entity_words: list[str],
    fields: list[NewField],
    entity_phrase: str | None = None,
) -> AppSpec:
    if entity_words:
        return add_entity(spec, entity_words)
    if not fields:
        raise Refused("Say what to add, for example “add a due date to tasks”.")
    if entity_phrase is None and len(fields) == 1 and _names_records(spec, fields[0]):
        return add_entity(spec, fields[0].words)
    return add_fields(spec, entity_phrase, fields)


def _names_records(spec: AppSpec, field: NewField) -> bool:
    """Whether a lone plural noun with no list named is a new list ("add projects")."""
    words = field.words
    if field.choices or field.required:
        return False
    if find_entity(spec, " ".join(words)) is not None:
        return True  # so that adding it again says it is already there
    last = words[-1]
    plural = singular(last) != last
    known = " ".join(singular(w) for w in words) in ATTRIBUTES
    return plural and not known and infer_type(words) is FieldType.text


def remove_something(spec: AppSpec, what: str, entity_phrase: str | None) -> AppSpec:
    phrase = bare(_FIELD_WORD.sub(" ", what))
    if entity_phrase or _FIELD_WORD.search(what):
        return remove_field(spec, entity_phrase, phrase)
    if find_entity(spec, phrase) is not None:
        return remove_entity(spec, phrase)
    if any(find_field(e, phrase) for e in spec.entities):
        return remove_field(spec, None, phrase)
    if find_screen(spec, phrase) is not None:
        return remove_screen(spec, phrase)
    raise _unknown(spec, phrase)


def rename_something(spec: AppSpec, old: str, new: str, entity_phrase: str | None) -> AppSpec:
    phrase = bare(_FIELD_WORD.sub(" ", old))
    new_words = content_words(_FIELD_WORD.sub(" ", new))
    if entity_phrase or _FIELD_WORD.search(old):
        return rename_field(spec, entity_phrase, phrase, new_words)
    if find_entity(spec, phrase) is not None:
        return rename_entity(spec, phrase, new_words)
    if any(find_field(e, phrase) for e in spec.entities):
        return rename_field(spec, None, phrase, new_words)
    if find_screen(spec, phrase) is not None:
        return rename_screen(spec, phrase, new)
    raise _unknown(spec, phrase)


def _unknown(spec: AppSpec, phrase: str) -> Refused:
    shown = phrase.strip() or "that"
    if not key(shown):
        return Refused("Say which list, field or screen you mean, for example “remove notes”.")
    return Refused(
        f"There is no list, field or screen called “{shown}”. Your lists are {lists(spec)}."
    )
