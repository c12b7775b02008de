"""Create: start a generation, safely repeatable: one project id, one ProjectRequested, ever.

The request's event id is a function of the project id, and it is published only onto an empty
subject (`steps.claim`): the first request under an id claims it. Any other (a retry, or a
request that raced it) finds the id taken and is answered from the request that was stored: the
same prompt is that project again, another is a conflict, and another key's id is a 409 that
says nothing about that project.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from appgen.events import (
    EventMetadata,
    ProjectRequested,
    new_project_id,
)
from appgen.events.catalog.output_ids import as_request
from appgen.events.read.log import Record
from appgen.gateway.auth import Caller
from appgen.gateway.problems import ProblemError
from appgen.gateway.resources import Resources
from appgen.gateway.usecases.steps import claim_project, derived_id, owner

# Namespace for project ids derived from an Idempotency-Key.
_KEY_NAMESPACE = uuid.UUID("0b8f3e52-6a51-4c1e-8d0a-2f7c9e4b1a66")


@dataclass(frozen=True)
class Created:
    project_id: str
    created: bool
    prompt: str


def project_id_for_key(key: str, owner: str | None = None) -> str:
    """The project id an Idempotency-Key stands for: the same key of the same API key always
    gives the same id, and two API keys that happen to pick the same key never collide."""
    return derived_id(_KEY_NAMESPACE, *((key,) if owner is None else (owner, key))).hex


def choose_project_id(
    project_id: str | None, idempotency_key: str | None, owner: str | None = None
) -> str:
    if (
        project_id is not None
        and idempotency_key is not None
        and project_id != project_id_for_key(idempotency_key, owner)
    ):
        raise ProblemError(
            422, "Give either project_id or an Idempotency-Key, not two that disagree."
        )
    if project_id is not None:
        return project_id
    if idempotency_key is not None:
        return project_id_for_key(idempotency_key, owner)
    return new_project_id()


async def start_project(
    res: Resources, caller: Caller, project_id: str, prompt: str, *, fresh: bool = False
) -> Created:
    """Start generating `prompt` under `project_id` for `caller`, or answer a retry of their own
    request as before. A new generation must pass the key's limits before anything is
    published; two requests that race for one id are judged the same way, after the stream has
    picked the one that claims it.

    `fresh`: the gateway made `project_id` for this very request (`new_project_id()`), so no
    earlier request can hold it and the log is not read first; the claim still decides."""
    first = None if fresh else await res.log.first(project_id)
    if first is None:
        request = as_request(
            ProjectRequested(
                project_id=project_id,
                prompt=prompt,
                owner=caller.key_id,
                metadata=EventMetadata(service="gateway"),
            )
        )
        first = await claim_project(res, caller, project_id, [request])
        if first is None:
            return Created(project_id, created=True, prompt=prompt)
    return _again(caller, first, project_id, prompt)


def _again(caller: Caller, first: Record, project_id: str, prompt: str) -> Created:
    """A request under an id whose project exists (its first record is `first`): the caller's
    own request with the same prompt is that project again; anything else is a conflict, as the
    id names one request."""
    if caller.key_id is not None and owner(first) != caller.key_id:
        raise ProblemError(409, f"Project id {project_id} is taken; use a new id or key.")
    event = first[1]
    existing = event.prompt if isinstance(event, ProjectRequested) else ""
    if existing and existing != prompt:
        raise ProblemError(
            409, f"Project {project_id} exists with a different prompt; use a new id or key."
        )
    return Created(project_id, created=False, prompt=existing or prompt)
