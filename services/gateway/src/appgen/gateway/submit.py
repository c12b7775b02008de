"""Starting a generation, safely repeatable: one project id, one ProjectRequested, ever.

The request's event id is a function of the project id, so a retry publishes the same id:
JetStream drops it by `Nats-Msg-Id`, the store by its unique key. Before publishing, the stream
is asked whether the project already exists, so a retry answers with the existing project.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from appgen.events import (
    Event,
    EventBus,
    EventMetadata,
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


async def submit(
    bus: EventBus,
    first: tuple[int, Event] | None,
    *,
    project_id: str,
    prompt: str,
    owner: str | None = None,
) -> Submission:
    """Publish the project's ProjectRequested unless the project exists already (`first` is
    its first event, as the caller read it from the log).

    A different prompt under an existing id is a conflict: the id names one request. Two
    requests that both found no project publish the same event id, which JetStream and the store
    keep once.
    """
    existing = existing_prompt(first)
    if existing is not None:
        if existing and existing != prompt:
            raise ProblemError(
                409, f"Project {project_id} exists with a different prompt; use a new id or key."
            )
        return Submission(project_id, created=False, prompt=existing or prompt)
    event = ProjectRequested(
        event_id=project_event_id(project_id, ProjectRequested.__name__),
        project_id=project_id,
        prompt=prompt,
        owner=owner,
        metadata=EventMetadata(service="gateway"),
    )
    await bus.publish(event)
    return Submission(project_id, created=True, prompt=prompt)
