"""A project's raw events up to a position: the store's prefix joined with the stream's tail.

Resume and fork decide from the events themselves, and must see the newest ones: the store trails
the stream by the recorder's batch delay, so what lies beyond its last position comes from the
stream (the same rule as `queries`).
"""

from __future__ import annotations

from appgen.events import Event
from appgen.gateway.problems import ProblemError
from appgen.gateway.runtime import Runtime

_PAGE = 5000


async def events_up_to(
    rt: Runtime, project_id: str, *, at: int | None = None
) -> list[tuple[int, Event]]:
    """`(position, event)` of the project with position <= `at` (all, by default), in order;
    a 404 problem when there are none."""
    records: list[tuple[int, Event]] = []
    since = 0
    while True:
        page = await rt.store.history(project_id, since=since, limit=_PAGE, until=at)
        records.extend((item.position, item.event) for item in page)
        if len(page) < _PAGE:
            break
        since = page[-1].position
    # The store is a prefix of the stream, so what it lacks of this project comes after its last.
    after = records[-1][0] if records else 0
    for item in await rt.reader.after(project_id, after):
        if at is not None and item.position > at:
            break
        records.append((item.position, item.event))
    if not records:
        raise ProblemError(404, f"No project {project_id}.")
    return records
