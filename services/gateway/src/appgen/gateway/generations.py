"""Starting work for a caller: every start (a request, a resume, a fork) passes the key's limits.

A start spends model calls, so all three go through `admitted`; a route that publishes a start
without it would let a key run past its limits.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from appgen.events import ProjectRequested
from appgen.gateway.auth import Caller
from appgen.gateway.problems import ProblemError
from appgen.gateway.resources import Resources
from appgen.gateway.submit import Submission, answer, submit

LIMIT_TYPE = "urn:appgen:limit:"
# Requests (and forks, which are new projects) count once per project id, however often retried.
_REQUEST_STARTS = uuid.UUID("5d0c7c4e-3f0a-4a57-9a43-6f1c2b1b9e21")


def request_start_id(project_id: str) -> uuid.UUID:
    """The start id of a project's first run: the same for every retry of its request."""
    return uuid.uuid5(_REQUEST_STARTS, project_id)


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


async def start_generation(
    res: Resources, caller: Caller, project_id: str, prompt: str
) -> Submission:
    """`submit` for `caller`: a retry of their own project answers as before; another key's id
    is a 409 that says nothing about that project; a new generation must pass the key's limits
    before anything is published. Two requests that race for one id are judged the same way,
    after the stream has picked the one that claims it."""
    first = await res.log.first(project_id)
    if first is None:
        async with admitted(res, caller, project_id, request_start_id(project_id)):
            submitted = await submit(
                res.bus, project_id=project_id, prompt=prompt, owner=caller.key_id
            )
        if submitted is not None:
            return submitted
        # Another request claimed the id first (its start is the one counted, so the block
        # above ended without un-counting it); this one is judged against it.
        first = await res.log.first(project_id)
        if first is None:
            raise ProblemError(503, f"Project {project_id} is being created; try again.")
    event = first[1]
    owner = event.owner if isinstance(event, ProjectRequested) else None
    if caller.key_id is not None and owner != caller.key_id:
        raise ProblemError(409, f"Project id {project_id} is taken; use a new id or key.")
    return answer(first, project_id=project_id, prompt=prompt)
