"""Bytes on the wire to typed events and back. JSON, one model per type, chosen by the subject."""

from __future__ import annotations

from appgen.events.envelope import Event, event_type
from appgen.events.subjects import parse_subject


class InvalidEvent(ValueError):
    """A message that is not a valid event: it can never succeed, however often it is retried."""


def encode(event: Event) -> bytes:
    return event.model_dump_json().encode()


def decode(subject: str, data: bytes) -> Event:
    try:
        project_id, type_name = parse_subject(subject)
        model = event_type(type_name)
        event = model.model_validate_json(data)
    except (ValueError, LookupError) as error:
        raise InvalidEvent(f"{subject}: {error}") from error
    if event.project_id != project_id:
        raise InvalidEvent(f"{subject}: payload is for project {event.project_id!r}")
    return event


def decode_type(type_name: str, data: bytes | str) -> Event:
    """Decode a stored event whose type is known (the store keeps it in a column)."""
    return event_type(type_name).model_validate_json(data)
