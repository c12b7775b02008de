"""The gateway's `ProjectLog`: the store up to its high-water mark, the stream beyond it.

Below the mark the store holds every event of the stream (the recorder moves the mark in the
same transaction as the rows it writes, reading the stream in order), so a read there is a
query. Above it, the stream answers. Each read takes the mark once and cuts there, so it can
never join a store that has a hole to a stream read that starts too late: the answer is the
stream's own sequence, whatever the recorder is doing, down or far behind.

An event the stream holds twice (published again past the duplicate window) is in the store once,
at its first position. Beyond the mark, a copy is dropped by asking the store where its id is
stored: at a lower position means it is a copy.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from appgen.events import Event
from appgen.events.catalog.subjects import project_filter, subject_of
from appgen.events.read.log import E, ProjectLog, Record, StreamLog, cut, first_of_each
from appgen.store.store import EventStore


class StoredLog(ProjectLog):
    """Reads the store below its high-water mark and `stream` above it."""

    def __init__(self, store: EventStore, stream: StreamLog) -> None:
        self._store = store
        self._stream = stream

    async def read(
        self,
        project_id: str,
        *,
        after: int = 0,
        until: int | None = None,
        limit: int | None = None,
        types: Sequence[type[Event]] | None = None,
    ) -> list[Record]:
        mark = await self._store.high_water()
        records: list[Record] = []
        if after < mark:
            stored = await self._store.history(
                project_id,
                since=after,
                until=mark if until is None else min(until, mark),
                limit=limit if limit is not None else 2**62,
                types=None if types is None else [t.__name__ for t in types],
            )
            records = [(item.position, item.event) for item in stored]
        full = limit is not None and len(records) >= limit
        if full or (until is not None and until <= mark):
            return records
        beyond = await self._beyond(project_filter(project_id), mark, until)
        rest = None if limit is None else limit - len(records)
        return records + cut(beyond, after=after, until=until, limit=rest, types=types)

    async def latest(
        self, project_id: str, event_type: type[E], *, until: int | None = None
    ) -> tuple[int, E] | None:
        mark = await self._store.high_water()
        if until is None or until > mark:
            subject = subject_of(project_id, event_type)
            beyond = await self._beyond(subject, mark, until)
            if beyond:
                position, event = beyond[-1]
                assert isinstance(event, event_type)
                return position, event
        bound = mark if until is None else min(until, mark)
        stored = await self._store.latest(project_id, event_type.__name__, until=bound)
        if stored is None:
            return None
        assert isinstance(stored.event, event_type)
        return stored.position, stored.event

    async def event_ids(self, project_id: str, *, until: int | None = None) -> set[uuid.UUID]:
        mark = await self._store.high_water()
        bound = mark if until is None else min(until, mark)
        ids = await self._store.event_ids(project_id, until=bound)
        if until is None or until > mark:
            beyond = await self._beyond(project_filter(project_id), mark, until)
            ids.update(event.event_id for _, event in beyond)
        return ids

    async def _beyond(self, subject: str, mark: int, until: int | None) -> list[Record]:
        """The stream's events on `subject` after `mark`, without any the store holds lower."""
        found = first_of_each(await self._stream.scan(subject, after=mark, until=until))
        if not found:
            return found
        stored = await self._store.positions_of([event.event_id for _, event in found])
        # At its own position it is no copy: the recorder stored it after the mark was read.
        return [
            (position, event)
            for position, event in found
            if stored.get(event.event_id, position) >= position
        ]
