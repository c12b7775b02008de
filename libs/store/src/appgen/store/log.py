"""The gateway's `ProjectLog`: the store up to its high-water mark, the stream beyond it.

Below the mark the store holds every event of the stream (the recorder moves the mark in the
same transaction as the rows it writes, reading the stream in order), so a read there is a
query. Above it, the stream answers. Each read takes the mark once, with the rows below it in
the same statement (one snapshot), and cuts there, so it can never join a store that has a hole
to a stream read that starts too late: the answer is the stream's own sequence, whatever the
recorder is doing, down or far behind.

An event the stream holds twice (published again past the duplicate window) is in the store once,
at its first position. Beyond the mark, a copy is dropped by asking the store where its id is
stored: at a lower position means it is a copy. A read from position 0 needs no such question:
its rows are every stored event of the project, so it asks the stream at once, beside the store,
and tells copies by their ids (a new WebSocket's first page waits once instead of three times).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable, Sequence

from appgen.events import Event
from appgen.events.catalog.subjects import project_filter, subject_of
from appgen.events.read.log import (
    E,
    ProjectLog,
    Record,
    StreamLog,
    cut,
    first_of_each,
    readable,
)
from appgen.events.read.tail import StreamMessage
from appgen.events.read.window import RecentWindow
from appgen.events.transport.beside import beside
from appgen.store.store import EventStore


class StoredLog(ProjectLog):
    """Reads the store below its high-water mark and `stream` above it."""

    def __init__(self, store: EventStore, stream: StreamLog) -> None:
        self._store = store
        self._stream = stream
        # The highest mark a read has seen. The mark only moves up, so the stream beyond the
        # mark a read is about to take starts after this one at the latest.
        self._mark_seen = 0

    async def read(
        self,
        project_id: str,
        *,
        after: int = 0,
        until: int | None = None,
        limit: int | None = None,
        types: Sequence[type[Event]] | None = None,
        recent: RecentWindow | None = None,
    ) -> list[Record]:
        subject = project_filter(project_id)
        # A read from the start (a new socket's first page) asks the stream beside the store
        # instead of after it: one wait instead of three in a row (the mark and rows, the
        # stream beyond the mark, where copies are stored). Nothing lies below position 0 to be
        # a copy's first, so the rows read here are enough to tell copies (`_beyond_rows`).
        # The stream is read after the last mark seen, which the mark has reached since (or,
        # should the store ever go back, the read below starts again from its mark).
        # With a window of the stream's newest messages that reaches back to that mark, the
        # stream is not asked at all (`_beyond_held`).
        start = self._mark_seen
        from_start = after == 0 and until is None
        window = recent if from_start and recent is not None and recent.covers(start) else None
        ahead = None
        if from_start and window is None:
            ahead = beside(self._stream.scan_once(subject, after=start))
        try:
            mark, stored = await self._store.history_to_mark(
                project_id,
                since=after,
                until=until,
                limit=limit if limit is not None else 2**62,
                types=None if types is None else [t.__name__ for t in types],
            )
        except BaseException:
            if ahead is not None:
                ahead.cancel()
            raise
        self._mark_seen = max(self._mark_seen, mark)
        records: list[Record] = [(item.position, item.event) for item in stored]
        full = limit is not None and len(records) >= limit
        if full or (until is not None and until <= mark):
            if ahead is not None:
                ahead.cancel()
            return records
        held = window.after(project_id, mark) if window is not None and start <= mark else None
        if held is not None and (records or held):
            beyond = _beyond_held(held, mark, records)
        elif ahead is not None and start <= mark:
            beyond = await self._beyond_rows(ahead, subject, mark, records)
        else:
            if ahead is not None:
                ahead.cancel()
            beyond = await self._beyond(subject, mark, until)
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

    async def _beyond_rows(
        self,
        ahead: asyncio.Future[tuple[list[Record], int | None]],
        subject: str,
        mark: int,
        rows: list[Record],
    ) -> list[Record]:
        """`_beyond` from the stream's first batch, asked beside a read from position 0 whose
        `rows` are every stored event of the project up to `mark` (of the types read; a copy
        has its first's type), without asking the store where ids are (`_past_mark`)."""
        found, go_on = await ahead
        if go_on is not None:
            # The batch stopped short of the stream's end: read on, from the mark at least.
            found += await self._stream.scan(subject, after=max(go_on, mark))
        return _past_mark(found, mark, rows)

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


def _beyond_held(held: list[StreamMessage], mark: int, rows: list[Record]) -> list[Record]:
    """`_beyond_rows` from a window's messages instead of the stream's. Nothing of the project
    anywhere (no rows, nothing held) is not taken from a window: its reader may not have reached
    the project's first event yet, and an empty answer would say the project does not exist."""
    found = (
        (message.position, event)
        for message in held
        if (event := readable(message.position, message.subject, message.data)) is not None
    )
    return _past_mark(found, mark, rows)


def _past_mark(found: Iterable[Record], mark: int, rows: list[Record]) -> list[Record]:
    """What was found after `mark`, each id once, none that `rows` (every stored event of the
    project up to the mark, read from position 0) hold: a copy of a stored event is dropped by
    its id, a copy of a later one by being second."""
    return first_of_each(
        (record for record in found if record[0] > mark),
        known={event.event_id for _, event in rows},
    )
