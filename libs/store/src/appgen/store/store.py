"""The PostgreSQL event store: an append-only log keyed by stream position, plus project summaries."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Row, TextClause
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from appgen.events import Event, FilesWritten, FileWrite, decode_type, event_types
from appgen.events.read.projection import ProjectState, file_tree, fold
from appgen.store import sql
from appgen.store.models import ProjectSummary, StoredEvent, Unreadable
from appgen.store.pool import one_statement_each, open_engine
from appgen.store.stats import WindowStats, window_stats
from appgen.store.summary import advance

# Rows per INSERT statement; a larger append is several statements in the same transaction.
BATCH_ROWS = 2000
# How many events a fold reads per round trip.
_FOLD_PAGE = 5000
_NO_LIMIT = 2**63 - 1
# The tracking row of the recorder: its position is the store's high-water mark.
RECORDER: Final = "recorder"


class CheckpointMoved(RuntimeError):
    """The tracking row was not where the writer expected: another writer moved it. Nothing of
    the batch was written; the writer must read the mark again before it writes anything more."""


class _Anyone:
    """The `owner` of `list_projects` that means every owner."""


ANYONE = _Anyone()


class EventStore:
    """Reads and writes the `events` log. Only the recorder appends; everything else reads."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._reads = one_statement_each(engine)

    @classmethod
    async def open(cls, url: str, *, pool_size: int = 5) -> EventStore:
        """A store over `postgresql://` or `postgresql+asyncpg://` `url`; connects lazily
        (`appgen.store.pool`)."""
        return cls(open_engine(url, pool_size=pool_size))

    @property
    def engine(self) -> AsyncEngine:
        """The connection pool, shared with the key and quota tables (`KeyStore`, `QuotaStore`)."""
        return self._engine

    async def close(self) -> None:
        await self._engine.dispose()

    async def ping(self) -> None:
        """Raise unless the database answers."""
        async with self._reads.connect() as conn:
            await conn.execute(sql.PING)

    async def append(self, records: Sequence[tuple[int, Event]]) -> int:
        """Store `(position, event)` pairs in one transaction; returns how many were new.

        An event already stored (same id, at any position) is skipped, and only the rows really
        inserted are folded into `projects`, so appending the same records twice changes nothing.
        This does not move the high-water mark: only `append_tracked` does.
        """
        async with self._engine.begin() as conn:
            return len(await _insert(conn, records))

    async def append_tracked(
        self,
        records: Sequence[tuple[int, Event]],
        *,
        expected: int,
        position: int,
        unreadable: Sequence[Unreadable] = (),
        raw: Mapping[int, bytes] | None = None,
        name: str = RECORDER,
    ) -> list[tuple[int, Event]]:
        """Store a batch read in stream order and move the mark from `expected` to `position`,
        all in one transaction; returns the records that were new.

        Every stream position in `(expected, position]` must be in `records` or `unreadable`
        (or not exist in the stream any more): that is what makes the store complete below the
        mark. Raises `CheckpointMoved`, having written nothing, if the mark is not at `expected`.
        `raw` maps a position to the JSON its event was published as, stored as it is rather
        than serialised again.
        """
        if position < expected:
            raise ValueError(f"the mark cannot go back from {expected} to {position}")
        rows = _first_of_each(records)
        params = {
            "name": name,
            "expected": expected,
            "position": position,
            "ids": [event.event_id for _, event in rows],
        }
        async with self._engine.begin() as conn:
            # The mark moves first: its row stays locked until this commits, so no other
            # tracked writer can store an event between the look for stored ids and the copy.
            found = (await conn.execute(sql.ADVANCE_TRACKING_FIND_STORED, params)).one()
            if not found.moved:
                current = await conn.scalar(sql.HIGH_WATER, {"name": name})
                raise CheckpointMoved(
                    f"the {name} mark is at {current}, not {expected}: another writer moved it"
                )
            inserted = await _copy_new(conn, rows, set(found.stored), raw or {})
            if unreadable:
                await conn.execute(sql.INSERT_UNREADABLE, _unreadable_columns(unreadable))
        return inserted

    async def high_water(self, name: str = RECORDER) -> int:
        """The position up to which the store holds every event of the stream."""
        async with self._reads.connect() as conn:
            return int(await conn.scalar(sql.HIGH_WATER, {"name": name}) or 0)

    async def ensure_tracking(self, name: str = RECORDER) -> None:
        """Create the tracking row `name` at 0 unless it exists."""
        async with self._engine.begin() as conn:
            await conn.execute(sql.ENSURE_TRACKING, {"name": name})

    async def unreadable(self) -> list[Unreadable]:
        """The stream's messages that were not valid events when they were recorded."""
        async with self._reads.connect() as conn:
            rows = await conn.execute(sql.UNREADABLE)
            return [Unreadable(r.position, r.subject, bytes(r.data), r.error) for r in rows]

    async def latest(
        self, project_id: str, type_name: str, *, until: int | None = None
    ) -> StoredEvent | None:
        """The project's last event of type `type_name` at or below `until`."""
        params = {"project_id": project_id, "type": type_name, "until": _until(until)}
        found = await self._stored(sql.LATEST_OF_TYPE, params)
        return found[0] if found else None

    async def positions_of(self, event_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        """Where each of these events is stored (those that are)."""
        if not event_ids:
            return {}
        async with self._reads.connect() as conn:
            rows = await conn.execute(sql.EVENT_POSITIONS, {"ids": list(event_ids)})
            return {row.event_id: int(row.position) for row in rows}

    async def event_ids(self, project_id: str, *, until: int | None = None) -> set[uuid.UUID]:
        """The ids of the project's stored events at or below `until`."""
        params = {"project_id": project_id, "until": _until(until)}
        async with self._reads.connect() as conn:
            return {row.event_id for row in await conn.execute(sql.PROJECT_EVENT_IDS, params)}

    async def history(
        self,
        project_id: str,
        *,
        since: int = 0,
        limit: int = 1000,
        until: int | None = None,
        types: Sequence[str] | None = None,
    ) -> list[StoredEvent]:
        """A project's events with `since < position <= until` (of the named `types`, if
        given), ascending, at most `limit`."""
        params = _range(project_id, since, until, limit)
        if types is None:
            return await self._stored(sql.HISTORY, params)
        params["types"] = list(types)
        return await self._stored(sql.HISTORY_OF_TYPES, params)

    async def history_to_mark(
        self,
        project_id: str,
        *,
        since: int = 0,
        limit: int = 1000,
        until: int | None = None,
        types: Sequence[str] | None = None,
        name: str = RECORDER,
    ) -> tuple[int, list[StoredEvent]]:
        """The high-water mark of tracker `name`, and `history` cut at it (at `until` if that
        is lower), read in one statement: the rows are exactly what the store held up to the
        mark it returns."""
        params = {**_range(project_id, since, until, limit), "name": name}
        query = sql.HISTORY_TO_MARK
        if types is not None:
            params["types"] = list(types)
            query = sql.HISTORY_OF_TYPES_TO_MARK
        async with self._reads.connect() as conn:
            rows = (await conn.execute(query, params)).all()
        mark = int(rows[0].mark) if rows else 0
        return mark, [_decode(row) for row in rows if row.position is not None]

    async def project_state(self, project_id: str, *, at: int | None = None) -> ProjectState | None:
        """The project as it stood at position `at` (now, by default); None if it has no events."""
        records = await self._all(project_id, at, None)
        return fold(records) if records else None

    async def file_tree(self, project_id: str, *, at: int | None = None) -> dict[str, FileWrite]:
        """Each file's latest write at position `at` (now, by default)."""
        return file_tree(await self._all(project_id, at, _FILE_TYPES))

    async def list_projects(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        status: str | None = None,
        owner: str | _Anyone | None = ANYONE,
    ) -> tuple[list[ProjectSummary], int]:
        """Newest projects first, and how many there are in all (with that status, of that
        owner; `owner=None` means the projects made without a key)."""
        filtered = status is not None
        owned = not isinstance(owner, _Anyone)
        params: dict[str, Any] = {
            "limit": limit,
            "offset": offset,
            "status": status,
            "owner": None if isinstance(owner, _Anyone) else owner,
        }
        async with self._reads.connect() as conn:
            query = sql.list_projects(filtered=filtered, owned=owned)
            rows = await conn.execute(query, params)
            summaries = [ProjectSummary.model_validate(row._asdict()) for row in rows]
            total = await conn.scalar(sql.count_projects(filtered=filtered, owned=owned), params)
        return summaries, int(total or 0)

    async def stats(
        self, since: datetime, until: datetime, *, owner: str | None = None
    ) -> WindowStats:
        """Figures for the window `[since, until)`, of `owner`'s projects if given
        (`appgen.store.stats`)."""
        return await window_stats(self._engine, since, until, owner=owner)

    async def last_position(self) -> int:
        async with self._reads.connect() as conn:
            return int(await conn.scalar(sql.LAST_POSITION) or 0)

    async def events_between(self, start: datetime, end: datetime) -> list[StoredEvent]:
        """Every event that occurred in `[start, end)`, in position order."""
        return await self._stored(sql.EVENTS_BETWEEN, {"start": start, "end": end})

    async def _all(
        self, project_id: str, at: int | None, types: list[str] | None
    ) -> list[tuple[int, Event]]:
        query = sql.HISTORY if types is None else sql.HISTORY_OF_TYPES
        records: list[tuple[int, Event]] = []
        since = 0
        while True:
            params = _range(project_id, since, at, _FOLD_PAGE)
            params["types"] = types
            page = await self._stored(query, params)
            records.extend((stored.position, stored.event) for stored in page)
            if len(page) < _FOLD_PAGE:
                return records
            since = page[-1].position

    async def _stored(self, query: TextClause, params: dict[str, Any]) -> list[StoredEvent]:
        async with self._reads.connect() as conn:
            rows = await conn.execute(query, params)
            return [_decode(row) for row in rows]


_FILE_TYPES = sorted(name for name, cls in event_types().items() if issubclass(cls, FilesWritten))


def _until(until: int | None) -> int:
    return _NO_LIMIT if until is None else until


def _range(project_id: str, since: int, until: int | None, limit: int) -> dict[str, Any]:
    return {"project_id": project_id, "since": since, "until": _until(until), "limit": limit}


async def _insert(
    conn: AsyncConnection,
    records: Sequence[tuple[int, Event]],
    raw: Mapping[int, bytes] | None = None,
) -> list[tuple[int, Event]]:
    """Insert what is new of `records` and fold it into `projects`; returns what was new."""
    rows = _first_of_each(records)
    inserted: list[tuple[int, Event]] = []
    for chunk in _chunks(rows, BATCH_ROWS):
        result = await conn.execute(sql.INSERT_EVENTS, _event_columns(chunk, raw or {}))
        positions = {row[0] for row in result}
        inserted.extend(record for record in chunk if record[0] in positions)
    if inserted:
        await _fold_into_projects(conn, inserted)
    return inserted


async def _copy_new(
    conn: AsyncConnection,
    rows: list[tuple[int, Event]],
    stored: set[uuid.UUID],
    raw: Mapping[int, bytes],
) -> list[tuple[int, Event]]:
    """Copy the events of `rows` (`_first_of_each`) whose ids are not `stored` straight into
    `events` (COPY, not INSERT: the server parses no statement per row and plans nothing), fold
    them into `projects`; returns them.

    An id already stored is left out before the copy, so it never conflicts; a row that still
    conflicts (a writer without the mark stored it meanwhile) fails the transaction, and the
    recorder's retry finds it stored. A new id at a taken position fails it too, on purpose.
    """
    new = [record for record in rows if record[1].event_id not in stored] if stored else rows
    if new:
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.copy_records_to_table(
            "events", records=_event_rows(new, raw), columns=sql.EVENT_COLUMNS
        )
        await _fold_into_projects(conn, new)
    return new


def _event_rows(
    rows: list[tuple[int, Event]], raw: Mapping[int, bytes]
) -> Iterator[tuple[Any, ...]]:
    """One tuple per event in `sql.EVENT_COLUMNS` order; the JSON as published where known."""
    for position, event in rows:
        meta = event.metadata
        published = raw.get(position)
        yield (
            position, event.event_id, event.project_id, event.type, event.current_stage.value,
            event.progress, event.occurred_at, meta.service, meta.attempt, meta.causation_id,
            meta.correlation_id,
            published.decode() if published is not None else event.model_dump_json(),
        )  # fmt: skip


def _unreadable_columns(rows: Sequence[Unreadable]) -> dict[str, list[Any]]:
    return {
        "position": [row.position for row in rows],
        "subject": [row.subject for row in rows],
        "data": [row.data for row in rows],
        "error": [row.error[:2000] for row in rows],
    }


def _decode(row: Row[Any]) -> StoredEvent:
    return StoredEvent(row.position, decode_type(row.type, row.data), row.recorded_at)


def _first_of_each(records: Sequence[tuple[int, Event]]) -> list[tuple[int, Event]]:
    """Position order, each event id once: the first position of an event is the one that counts."""
    seen: set[object] = set()
    unique: list[tuple[int, Event]] = []
    for position, event in sorted(records, key=lambda pair: pair[0]):
        if event.event_id not in seen:
            seen.add(event.event_id)
            unique.append((position, event))
    return unique


def _chunks(rows: list[tuple[int, Event]], size: int) -> Iterator[list[tuple[int, Event]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _event_columns(rows: list[tuple[int, Event]], raw: Mapping[int, bytes]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "position", "event_id", "project_id", "type", "stage", "progress", "occurred_at",
            "service", "attempt", "causation_id", "correlation_id", "data",
        )
    }  # fmt: skip
    for position, event in rows:
        meta = event.metadata
        columns["position"].append(position)
        columns["event_id"].append(event.event_id)
        columns["project_id"].append(event.project_id)
        columns["type"].append(event.type)
        columns["stage"].append(event.current_stage.value)
        columns["progress"].append(event.progress)
        columns["occurred_at"].append(event.occurred_at)
        columns["service"].append(meta.service)
        columns["attempt"].append(meta.attempt)
        columns["causation_id"].append(meta.causation_id)
        columns["correlation_id"].append(meta.correlation_id)
        published = raw.get(position)
        columns["data"].append(
            published.decode() if published is not None else event.model_dump_json()
        )
    return columns


async def _fold_into_projects(conn: AsyncConnection, inserted: list[tuple[int, Event]]) -> None:
    """Update the summary rows of the projects these new events belong to, in the same transaction."""
    by_project: dict[str, list[tuple[int, Event]]] = {}
    for record in inserted:
        by_project.setdefault(record[1].project_id, []).append(record)
    rows = await conn.execute(sql.LOCK_PROJECTS, {"ids": sorted(by_project)})
    current = {row.project_id: ProjectSummary.model_validate(row._asdict()) for row in rows}
    summaries = [advance(current.get(pid), records) for pid, records in by_project.items()]
    columns: dict[str, list[Any]] = {name: [] for name in sql.PROJECT_FIELDS}
    for summary in summaries:
        values = summary.model_dump()
        for name in sql.PROJECT_FIELDS:
            columns[name].append(values[name])
    columns["stage"] = [str(stage) for stage in columns["stage"]]
    await conn.execute(sql.UPSERT_PROJECTS, columns)
