"""Starting a generation for a caller: the id must be free or theirs, and their limits allow it."""

from __future__ import annotations

from appgen.gateway.access import project_owner
from appgen.gateway.auth import Caller
from appgen.gateway.problems import ProblemError
from appgen.gateway.runtime import Runtime
from appgen.gateway.submit import Submission, submit

LIMIT_TYPE = "urn:appgen:limit:"


async def start_generation(rt: Runtime, caller: Caller, project_id: str, prompt: str) -> Submission:
    """`submit` for `caller`: a retry of their own project answers as before; another key's id
    is a 409 that says nothing about that project; a new generation must pass the key's limits
    (429 with Retry-After and the limit's name) before anything is published."""
    exists, owner = await project_owner(rt, project_id)
    if exists and caller.key_id is not None and owner != caller.key_id:
        raise ProblemError(409, f"Project id {project_id} is taken; use a new id or key.")
    admitted = False
    if not exists and caller.key_id is not None:
        refusal = await rt.quotas.start_generation(
            caller.key_id,
            project_id,
            per_hour=rt.settings.max_generations_per_hour,
            concurrent=rt.settings.max_concurrent_generations,
        )
        if refusal is not None:
            raise ProblemError(
                429,
                f"{refusal.limit}: {refusal.detail}",
                type_=LIMIT_TYPE + refusal.limit,
                headers={"Retry-After": str(refusal.retry_after_s)},
            )
        admitted = True
    try:
        result = await submit(
            rt.bus, rt.store, rt.reader, project_id=project_id, prompt=prompt, owner=caller.key_id
        )
    except BaseException:
        if admitted:
            await rt.quotas.forget_generation(project_id)
        raise
    # A race with a retry of the same id counts once: the counter's rows are keyed by project.
    return result
