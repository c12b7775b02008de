"""W3C trace context on the wire: one trace per project request, followed through every service.

The trace id lives in each event's `metadata.trace_id` (so the store keeps it) and travels in the
NATS `traceparent` header (so tools that speak W3C Trace Context can follow a message without
decoding it). The span id of a message is taken from its event id, so it is stable across retries.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

from appgen.events.catalog.envelope import Event

# One trace per project, computable from its id alone, so any service (or a person with a
# tracing tool) can find a project's trace without reading an event first.
_TRACE_NAMESPACE = uuid.UUID("8d3f6a1e-2b47-4c9a-b1e5-7f0a9c3d5e21")

TRACEPARENT = "traceparent"
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def project_trace_id(project_id: str) -> str:
    """The trace of a project whose events were published without one."""
    return uuid.uuid5(_TRACE_NAMESPACE, project_id).hex


def parse_traceparent(value: str | None) -> str | None:
    """The trace id of a `traceparent` value, or None if it is missing or malformed."""
    if not value:
        return None
    match = _TRACEPARENT.fullmatch(value.strip().lower())
    if match is None or match.group(1) == "0" * 32:
        return None
    return match.group(1)


def traceparent(event: Event) -> str | None:
    """The `traceparent` header for publishing `event` (None when it carries no trace)."""
    trace_id = event.metadata.trace_id
    if trace_id is None or parse_traceparent(f"00-{trace_id}-{'0' * 15}1-01") is None:
        return None
    return f"00-{trace_id}-{event.event_id.hex[:16]}-01"


def trace_id_of(event: Event, headers: Mapping[str, str] | None) -> str | None:
    """The trace an incoming event belongs to: its metadata, else its `traceparent` header, else
    the project's own."""
    return (
        event.metadata.trace_id
        or parse_traceparent((headers or {}).get(TRACEPARENT))
        or project_trace_id(event.project_id)
    )
