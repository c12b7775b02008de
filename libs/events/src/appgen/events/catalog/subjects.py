"""Subjects are derived from event types and project ids; no other module spells one out."""

from __future__ import annotations

from collections.abc import Iterable

from appgen.events.catalog.envelope import Event

PREFIX = "appgen.events"


def subject_for(event: Event) -> str:
    return f"{PREFIX}.{event.project_id}.{event.type}"


def subject_of(project_id: str, event_type: type[Event]) -> str:
    """The one subject where a project's events of one type are stored."""
    return f"{PREFIX}.{project_id}.{event_type.__name__}"


def type_filter(event_type: type[Event]) -> str:
    """Every project's events of one type: what a stage's durable consumer filters on."""
    return f"{PREFIX}.*.{event_type.__name__}"


def type_filters(event_types: Iterable[type[Event]]) -> list[str]:
    return sorted(type_filter(t) for t in event_types)


def project_filter(project_id: str) -> str:
    return f"{PREFIX}.{project_id}.*"


def all_events() -> str:
    return f"{PREFIX}.>"


def parse_subject(subject: str) -> tuple[str, str]:
    """(project_id, type) of an event subject."""
    parts = subject.split(".")
    if len(parts) != 4 or ".".join(parts[:2]) != PREFIX:
        raise ValueError(f"not an event subject: {subject!r}")
    return parts[2], parts[3]
