"""Starting a generation, safely repeatable: one project id, one ProjectRequested, ever.

The request's event id is a function of the project id, and it is published only onto an empty
subject (`expected_last=0`): the first request under an id claims it. Any other (a retry, or a
request that raced it) finds the id taken, by JetStream's duplicate ack or by PositionMoved, and
is answered from the request that was stored: the same prompt is that project again, another is
a conflict.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from appgen.events import (
    Event,
    EventBus,
    EventMetadata,
    PositionMoved,
    ProjectRequested,
    new_project_id,
    project_event_id,
)
from appgen.gateway.problems import ProblemError

# Namespace for project ids derived from an Idempotency-Key.
_KEY_NAMESPACE = uuid.UUID("0b8f3e52-6a51-4c1e-8d0a-2f7c9e4b1a66")


def project_id_for_key(key: str, owner: str | None = None) -> str:
    """The project id an Idempotency-Key stands for: the same key of the same API key always
    gives the same id, and two API keys that happen to pick the same key never collide."""
    return uuid.uuid5(_KEY_NAMESPACE, key if owner is None else f"{owner}:{key}").hex


@dataclass(frozen=True)
class Submission:
    project_id: str
    created: bool
    prompt: str


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


def existing_prompt(first: tuple[int, Event] | None) -> str | None:
    """The prompt of a project whose first event is `first` ("" if that is no request), or None
    if there is no such project (no first event)."""
    if first is None:
        return None
    return first[1].prompt if isinstance(first[1], ProjectRequested) else ""


def answer(first: tuple[int, Event], *, project_id: str, prompt: str) -> Submission:
    """A request under an id whose project exists (its first event is `first`): the same
    prompt is that project again; a different prompt is a conflict, as the id names one
    request."""
    existing = existing_prompt(first)
    if existing and existing != prompt:
        raise ProblemError(
            409, f"Project {project_id} exists with a different prompt; use a new id or key."
        )
    return Submission(project_id, created=False, prompt=existing or prompt)


async def claim(bus: EventBus, event: Event) -> bool:
    """Publish a project's first event of its type, unless the stream holds one already: True
    if this call wrote it; False if the id was taken (by this very event, or by another that
    shares its id or its subject), when the caller reads what is there and judges."""
    try:
        return not (await bus.publish_acked(event, expected_last=0)).duplicate
    except PositionMoved:
        return False


async def submit(
    bus: EventBus, *, project_id: str, prompt: str, owner: str | None = None
) -> Submission | None:
    """Publish the project's ProjectRequested if no request holds the id yet: the submission,
    or None when the id was taken (read its first event and `answer`)."""
    event = ProjectRequested(
        event_id=project_event_id(project_id, ProjectRequested.__name__),
        project_id=project_id,
        prompt=prompt,
        owner=owner,
        metadata=EventMetadata(service="gateway"),
    )
    if not await claim(bus, event):
        return None
    return Submission(project_id, created=True, prompt=prompt)
