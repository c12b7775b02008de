"""The steps every use case takes (the package's docstring lists them), each written once.

A start spends model calls, so every use case that starts work (a request, a resume, a fork)
publishes it inside `admitted`; one that published a start without it would let a key run past
its limits.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from appgen.events import Event, EventBus, PositionMoved, ProjectRequested
from appgen.events.read.log import Record
from appgen.gateway.access import may_see
from appgen.gateway.auth import Caller
from appgen.gateway.problems import ProblemError
from appgen.gateway.queries import missing
from appgen.gateway.resources import Resources

LIMIT_TYPE = "urn:appgen:limit:"
# Requests (and forks, which are new projects) count once per project id, however often retried.
_REQUEST_STARTS = uuid.UUID("5d0c7c4e-3f0a-4a57-9a43-6f1c2b1b9e21")


def derived_id(namespace: uuid.UUID, *parts: str) -> uuid.UUID:
    """The id a request stands for: a retry with the same `parts` derives the same one."""
    return uuid.uuid5(namespace, ":".join(parts))


def request_start_id(project_id: str) -> uuid.UUID:
    """The start id of a project's first run: the same for every retry of its request."""
    return derived_id(_REQUEST_STARTS, project_id)


def owner(first: Record) -> str | None:
    """The key that created the project whose first event is `first` (None: none is named)."""
    event = first[1]
    return event.owner if isinstance(event, ProjectRequested) else None


def check_owned(caller: Caller, project_id: str, records: Sequence[Record]) -> None:
    """The project (read from its first record on) exists and is the caller's, or a 404 that is
    the same for both (`access.py`)."""
    if not may_see(caller, bool(records), owner(records[0]) if records else None):
        raise missing(project_id)


@asynccontextmanager
async def admitted(
    res: Resources, caller: Caller, project_id: str, start_id: uuid.UUID
) -> AsyncIterator[None]:
    """Count this start against the caller's limits (429 with Retry-After and the limit's name
    when one says no) for the duration of the block that publishes it; a block that fails
    un-counts it, as nothing started."""
    if caller.key_id is None:
        # Authentication is off (loopback without keys): there is no one to count against.
        yield
        return
    refusal = await res.quotas.start_generation(
        caller.key_id,
        project_id,
        start_id=start_id,
        per_hour=res.settings.max_generations_per_hour,
        concurrent=res.settings.max_concurrent_generations,
    )
    if refusal is not None:
        raise ProblemError(
            429,
            f"{refusal.limit}: {refusal.detail}",
            type_=LIMIT_TYPE + refusal.limit,
            headers={"Retry-After": str(refusal.retry_after_s)},
        )
    try:
        yield
    except BaseException:
        await res.quotas.forget_generation(start_id)
        raise


async def claim(bus: EventBus, event: Event) -> bool:
    """Publish a project's first event of its type, unless the stream holds one already: True
    if this call wrote it; False if the id was taken (by this very event, or by another that
    shares its id or its subject), when the caller reads what is there and judges."""
    try:
        return not (await bus.publish_acked(event, expected_last=0)).duplicate
    except PositionMoved:
        return False


async def claim_project(
    res: Resources, caller: Caller, project_id: str, events: Sequence[Event]
) -> Record | None:
    """Make a new project of `events`, counted as a start: None if this call made it; else the
    first record of the project that claimed the id first (a retry's, or a request that raced
    this one), for the caller to judge.

    In order, each acknowledged before the next. The first event claims the id (`claim`), and
    only the call that wrote it publishes the rest, so two requests racing for one id never mix
    their events (which may share derived ids)."""
    async with admitted(res, caller, project_id, request_start_id(project_id)):
        if await claim(res.bus, events[0]):
            await res.bus.publish_all(events[1:])
            return None
    # Judged outside the block: a lost claim leaves the winner's start counted.
    first = await res.log.first(project_id)
    if first is None:
        raise ProblemError(503, f"Project {project_id} is being created; try again.")
    return first
