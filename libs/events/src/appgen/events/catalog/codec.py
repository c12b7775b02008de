"""Bytes on the wire to typed events and back. JSON, one model per type, chosen by the subject.

An event of an older schema of its type is upcast on the way in (`upcasting.py`); one this
process cannot know (a newer schema, or a type it has never heard of) is a `NewerEvent`, which
the consumer loop parks for a newer process instead of dropping.
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from appgen.events.catalog.envelope import Event, UnknownEventType, event_type
from appgen.events.catalog.subjects import parse_subject
from appgen.events.catalog.upcasting import upcast

_SCHEMA_KEY = b'"schema_version"'


class InvalidEvent(ValueError):
    """A message that is not a valid event: it can never succeed, however often it is retried."""


class NewerEvent(InvalidEvent):
    """An event this process cannot read but a newer version of appgen wrote and can read: a
    type it does not know, or a schema of a type newer than its own."""


def encode(event: Event) -> bytes:
    return event.model_dump_json().encode()


def decode(subject: str, data: bytes) -> Event:
    try:
        project_id, type_name = parse_subject(subject)
    except ValueError as error:
        raise InvalidEvent(f"{subject}: {error}") from error
    event = _validate(type_name, data, where=subject)
    if event.project_id != project_id:
        raise InvalidEvent(f"{subject}: payload is for project {event.project_id!r}")
    return event


def decode_type(type_name: str, data: bytes | str) -> Event:
    """Decode a stored event whose type is known (the store keeps it in a column)."""
    return _validate(type_name, data.encode() if isinstance(data, str) else data, where=type_name)


def _validate(type_name: str, data: bytes, *, where: str) -> Event:
    try:
        model = event_type(type_name)
    except UnknownEventType as error:
        raise NewerEvent(f"{where}: {error} (written by a newer version?)") from error
    if model.SCHEMA > 1 and _SCHEMA_KEY not in data:
        # Written before its type had schemas: schema 1, to be upcast.
        return _from_raw(model, type_name, data, where=where)
    try:
        return model.model_validate_json(data)
    except ValidationError as error:
        return _from_raw(model, type_name, data, where=where, error=error)


def _from_raw(
    model: type[Event],
    type_name: str,
    data: bytes,
    *,
    where: str,
    error: ValidationError | None = None,
) -> Event:
    """An event whose schema is not this process's: upcast when older, NewerEvent when newer."""
    try:
        raw = json.loads(data)
    except ValueError as bad:
        raise InvalidEvent(f"{where}: not JSON ({bad})") from bad
    if not isinstance(raw, dict):
        raise InvalidEvent(f"{where}: not a JSON object")
    stored = raw.get("schema_version") or 1
    if not isinstance(stored, int):
        raise InvalidEvent(f"{where}: schema_version {stored!r} is not a number")
    if stored > model.SCHEMA:
        raise NewerEvent(
            f"{where}: schema {stored} of {type_name} is newer than this process's {model.SCHEMA}"
        )
    if stored == model.SCHEMA:
        raise InvalidEvent(f"{where}: {error}")
    try:
        return model.model_validate(upcast(type_name, raw, stored=stored, current=model.SCHEMA))
    except (LookupError, ValueError) as failed:
        raise InvalidEvent(f"{where}: cannot read schema {stored}: {failed}") from failed
