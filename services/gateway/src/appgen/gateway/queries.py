"""Reads that join the store with the stream's tail, so an answer never trails what clients saw.

The store is a prefix of the stream (one recorder writes it in stream order), so everything at or
below the store's last position is in the store; the stream supplies only what lies beyond.
"""

from __future__ import annotations

from dataclasses import dataclass

from appgen.events import FilesWritten, FileWrite
from appgen.events.projection import ProjectState, fold
from appgen.gateway.problems import ProblemError
from appgen.gateway.runtime import Runtime


async def project_state(rt: Runtime, project_id: str, *, at: int | None = None) -> ProjectState:
    """The project's state (at `at`), or a 404 problem when it has no events."""
    stored_up_to = await rt.store.last_position()
    records = [
        (item.position, item.event)
        for item in await rt.reader.after(project_id, stored_up_to)
        if at is None or item.position <= at
    ]
    if not records:
        state = await rt.store.project_state(project_id, at=at)
    else:
        history = await rt.store.history(project_id, since=0, limit=100_000, until=at)
        state = fold([(r.position, r.event) for r in history] + records)
    if state is None:
        raise ProblemError(404, f"No project {project_id}.")
    return state


@dataclass(frozen=True)
class Tree:
    files: dict[str, FileWrite]
    position: int


async def file_tree(rt: Runtime, project_id: str, *, at: int | None = None) -> Tree:
    """The project's files at position `at` (the newest, by default) and the position they are as of."""
    stored_up_to = await rt.store.last_position()
    files = await rt.store.file_tree(project_id, at=at)
    position = stored_up_to if at is None else min(at, stored_up_to)
    # Re-applying writes the store already folded is harmless: each path's last write wins.
    for item in await rt.reader.after(project_id, stored_up_to):
        if at is not None and item.position > at:
            break
        position = max(position, item.position)
        if isinstance(item.event, FilesWritten):
            for write in item.event.files:
                files[write.path] = write
    return Tree(files, position)


async def require_project(rt: Runtime, project_id: str) -> None:
    if (
        await rt.reader.first(project_id) is None
        and await rt.store.project_state(project_id) is None
    ):
        raise ProblemError(404, f"No project {project_id}.")
