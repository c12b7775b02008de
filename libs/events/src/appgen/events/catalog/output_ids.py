"""Output ids from the declared keys: what `HandlerContext.emit` gives an output, which
declared output made an event (for forks and checks), and the gateway's request ids.

An output's id is `uuid5(cause, "service:Type:key")`, or for a per-project fact
`uuid5(project, "Type:key")`: never a function of what was emitted before it.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from appgen.events.catalog.declaration import Output
from appgen.events.catalog.envelope import Event
from appgen.events.catalog.ids import derived_event_id, project_event_id
from appgen.events.catalog.pipeline import REQUESTS, declared_outputs

E = TypeVar("E", bound=Event)


class UndeclaredOutput(TypeError):
    """An output its step does not declare, or a second one with the same key: its id would
    not be the one a rerun of the input makes (`catalog.pipeline`)."""


def output_id(output: Output, event: Event, service: str, cause: uuid.UUID | None) -> uuid.UUID:
    """The id `output` gets for `event`, made by `service` of the input with id `cause`: from
    the declared key alone (and the project, for a per-project output)."""
    if output.per_project:
        return project_event_id(event.project_id, output.id_key(event))
    if cause is None:
        raise UndeclaredOutput(f"{event.type} by {service} has no cause to derive its id from")
    return derived_event_id(cause, f"{service}:{output.id_key(event)}")


def made_by(event: Event) -> Output | None:
    """The declared output that gave `event` its id (its service's, of its cause), if any: an
    event no declaration made, or whose id its key does not give, has none."""
    service, cause = event.metadata.service, event.metadata.causation_id
    for output in declared_outputs(service, type(event)):
        derivable = output.per_project or cause is not None
        if derivable and output_id(output, event, service, cause) == event.event_id:
            return output
    return None


def request_id(event: Event) -> uuid.UUID:
    """The id of an event the gateway publishes on a person's behalf (`pipeline.REQUESTS`)."""
    output = REQUESTS.output(type(event))
    if output is None:
        raise UndeclaredOutput(f"{event.type} is not a request the gateway declares")
    return project_event_id(event.project_id, output.id_key(event))


def as_request(event: E) -> E:
    """`event` with its declared request id."""
    return event.model_copy(update={"event_id": request_id(event)})
