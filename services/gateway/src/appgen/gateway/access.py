"""Ownership: a project belongs to the key that created it, and is invisible to every other key.

Every project-scoped route takes its project id through `OwnedProjectId`, so the check lives
here once. Another key's project and a project that does not exist get the same 404: a caller
cannot learn which ids exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from appgen.events import ProjectRequested
from appgen.gateway.auth import Caller, CallerDep
from appgen.gateway.deps import ProjectIdPath, RuntimeDep
from appgen.gateway.problems import ProblemError
from appgen.gateway.runtime import Runtime


async def project_owner(rt: Runtime, project_id: str) -> tuple[bool, str | None]:
    """(whether the project exists, the key id that created it or None)."""
    first = await rt.reader.first(project_id)
    if first is not None and isinstance(first.event, ProjectRequested):
        return True, first.event.owner
    return await rt.store.project_owner(project_id)


def may_see(caller: Caller, exists: bool, owner: str | None) -> bool:
    # With authentication off there is no one to tell apart.
    return exists and (caller.key_id is None or owner == caller.key_id)


async def require_owned(rt: Runtime, caller: Caller, project_id: str) -> None:
    exists, owner = await project_owner(rt, project_id)
    if not may_see(caller, exists, owner):
        raise ProblemError(404, f"No project {project_id}.")


async def owned_project(project_id: ProjectIdPath, caller: CallerDep, rt: RuntimeDep) -> str:
    await require_owned(rt, caller, project_id)
    return project_id


OwnedProjectId = Annotated[str, Depends(owned_project)]
