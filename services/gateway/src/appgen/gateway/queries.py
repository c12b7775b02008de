"""The gateway's reads of one project, as answers or 404 problems; all through `Resources.log`.

The log (`appgen.store.StoredLog`) is the store below its high-water mark and the stream above
it, so none of these ever trails what a client was sent, or shows a hole the recorder left.
"""

from __future__ import annotations

from appgen.events import Event
from appgen.events.read.log import FileTree
from appgen.events.read.projection import ProjectState
from appgen.gateway.problems import ProblemError
from appgen.gateway.resources import Resources


def missing(project_id: str) -> ProblemError:
    """The 404 for a project that is not there (or, to its caller, is not theirs)."""
    return ProblemError(404, f"No project {project_id}.")


async def project_state(res: Resources, project_id: str, *, at: int | None = None) -> ProjectState:
    """The project's state (at `at`), or a 404 problem when it has no events."""
    state = await res.log.state(project_id, at=at)
    if state is None:
        raise missing(project_id)
    return state


async def file_tree(res: Resources, project_id: str, *, at: int | None = None) -> FileTree:
    """The project's files at position `at` (the newest, by default)."""
    return await res.log.files(project_id, at=at)


async def events_up_to(
    res: Resources, project_id: str, *, at: int | None = None
) -> list[tuple[int, Event]]:
    """`(position, event)` of the project with position <= `at` (all, by default), in order;
    a 404 problem when there are none."""
    records = await res.log.everything(project_id, until=at)
    if not records:
        raise missing(project_id)
    return records


async def require_project(res: Resources, project_id: str) -> None:
    if await res.log.first(project_id) is None:
        raise missing(project_id)
