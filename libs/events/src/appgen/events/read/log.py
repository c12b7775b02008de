"""The one read port of a project's history: every reader asks a `ProjectLog`, nothing else.

What every implementation promises (the contract suite `tests/integration/test_project_log.py`
holds each to it):
- a project's events come in position order, each event id once, at the first position the
  stream holds it (a later copy, published again past JetStream's duplicate window, is never
  read), and with no hole: an answer that holds position p holds every earlier event of the
  project;
- `after`, `until`, `limit` and `types` cut that one sequence, so paging never repeats an event;
- a message that is not a valid event is skipped here, and only here, with a warning.

Implementations: `StreamLog` (the stream alone, what a stage holds), `MemoryLog` (for tests), and
`appgen.store.StoredLog` (the store below its high-water mark, the stream above it: the gateway's).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from nats.aio.client import Client

from appgen.events.catalog.codec import InvalidEvent, decode
from appgen.events.catalog.envelope import Event
from appgen.events.catalog.events import ProjectRequested
from appgen.events.catalog.files import FileWrite
from appgen.events.catalog.subjects import project_filter, subject_of
from appgen.events.catalog.versions import EditQueue, edit_queue
from appgen.events.read.projection import ProjectState, file_tree, fold
from appgen.events.transport.direct import next_messages
from appgen.events.transport.settings import NatsSettings

if TYPE_CHECKING:
    from appgen.events.read.window import RecentWindow

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)
Record = tuple[int, Event]
# How many events `everything` asks for at a time.
PAGE = 5000
# How many messages one direct get returns at most.
_DIRECT_BATCH = 256
# How many projects' decoded histories a StreamLog keeps (the most recently read).
CACHED_PROJECTS = 64


@dataclass(frozen=True)
class FileTree:
    """A project's files at a position, and the position they are as of."""

    files: dict[str, FileWrite]
    position: int


class ProjectLog(ABC):
    """Reads one project's history. Two methods to implement; the rest are built on them."""

    @abstractmethod
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
        """The project's events with `after < position <= until`, of `types` if given, in
        order, at most `limit`.

        `recent`: the newest messages a live reader of the stream (the gateway's hub) has handed
        on, which a log may take instead of asking the stream. Pass it only while subscribed to
        that reader's later messages: it holds no message the reader has not reached yet."""

    @abstractmethod
    async def latest(
        self, project_id: str, event_type: type[E], *, until: int | None = None
    ) -> tuple[int, E] | None:
        """The project's last event of `event_type` at or below `until`, with its position."""

    async def everything(
        self,
        project_id: str,
        *,
        after: int = 0,
        until: int | None = None,
        types: Sequence[type[Event]] | None = None,
    ) -> list[Record]:
        """`read` without a limit, a page at a time."""
        records: list[Record] = []
        while True:
            page = await self.read(project_id, after=after, until=until, limit=PAGE, types=types)
            records.extend(page)
            if len(page) < PAGE:
                return records
            after = page[-1][0]

    async def event_ids(self, project_id: str, *, until: int | None = None) -> set[uuid.UUID]:
        """The ids of the project's events at or below `until`."""
        return {event.event_id for _, event in await self.everything(project_id, until=until)}

    async def first(self, project_id: str) -> Record | None:
        """The project's first event (its `ProjectRequested`), or None if it has none."""
        found = await self.read(project_id, limit=1)
        return found[0] if found else None

    async def owner(self, project_id: str) -> tuple[bool, str | None]:
        """(whether the project exists, the key id its request names, or None)."""
        first = await self.first(project_id)
        if first is None:
            return False, None
        event = first[1]
        return True, event.owner if isinstance(event, ProjectRequested) else None

    async def state(self, project_id: str, *, at: int | None = None) -> ProjectState | None:
        """The project folded up to `at` (now, by default); None if it has no events there."""
        records = await self.everything(project_id, until=at)
        return fold(records) if records else None

    async def edits(self, project_id: str, *, at: int | None = None) -> EditQueue:
        """The project's versions, spec and edit queue up to `at` (now, by default)."""
        return edit_queue(await self.everything(project_id, until=at))

    async def files(self, project_id: str, *, at: int | None = None) -> FileTree:
        """Each file's latest write at `at` (now, by default).

        The position is that of the project's last event at or below `at`: what a client may
        cache the tree under.
        """
        records = await self.everything(project_id, until=at)
        return FileTree(file_tree(records), records[-1][0] if records else 0)


def first_of_each(
    records: Iterable[Record], *, known: set[uuid.UUID] | None = None
) -> list[Record]:
    """Position order, each event id once at its first position; ids in `known` are dropped."""
    seen = set(known or ())
    unique: list[Record] = []
    for position, event in sorted(records, key=lambda record: record[0]):
        if event.event_id not in seen:
            seen.add(event.event_id)
            unique.append((position, event))
    return unique


def cut(
    records: Iterable[Record],
    *,
    after: int = 0,
    until: int | None = None,
    limit: int | None = None,
    types: Sequence[type[Event]] | None = None,
) -> list[Record]:
    """The part of an ordered, deduplicated sequence that a `read` asks for."""
    wanted = tuple(types) if types is not None else None
    selected: list[Record] = []
    for position, event in records:
        if position <= after:
            continue
        if until is not None and position > until:
            break
        if wanted is not None and not isinstance(event, wanted):
            continue
        selected.append((position, event))
        if limit is not None and len(selected) >= limit:
            break
    return selected


class MemoryLog(ProjectLog):
    """A log in a list: for tests, and the reference the contract suite compares against."""

    def __init__(self) -> None:
        self._records: list[Record] = []

    def add(self, position: int, event: Event) -> None:
        if self._records and position <= self._records[-1][0]:
            raise ValueError(f"position {position} is not after {self._records[-1][0]}")
        self._records.append((position, event))

    def append(self, event: Event) -> int:
        position = self._records[-1][0] + 1 if self._records else 1
        self.add(position, event)
        return position

    def _project(self, project_id: str) -> list[Record]:
        return first_of_each(r for r in self._records if r[1].project_id == project_id)

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
        return cut(self._project(project_id), after=after, until=until, limit=limit, types=types)

    async def latest(
        self, project_id: str, event_type: type[E], *, until: int | None = None
    ) -> tuple[int, E] | None:
        found = cut(self._project(project_id), until=until, types=[event_type])
        if not found:
            return None
        position, event = found[-1]
        assert isinstance(event, event_type)
        return position, event


@dataclass
class _Known:
    """What this process has read of one project: its events through `through`, each id once."""

    records: list[Record]
    ids: set[uuid.UUID]
    through: int
    lock: asyncio.Lock


class StreamLog(ProjectLog):
    """The log read straight from the JetStream stream, by batched direct gets (no consumer).

    The stream holds every event, so this needs nothing else: it is what the stages read, and
    what the gateway reads beyond the store's high-water mark.

    A project's history only grows, so what was read of it stays true: the events of the last
    projects read are kept, decoded, and a later read asks the stream only for what came after
    (an edit reads its project's whole history several times; without this, each read would
    decode every version's spec and files again). Positions are claimed complete only up to the
    last message actually seen, never up to a bound a caller named.
    """

    def __init__(
        self, nc: Client, settings: NatsSettings, *, cached_projects: int = CACHED_PROJECTS
    ) -> None:
        self._nc = nc
        self._stream = settings.stream
        self._known: OrderedDict[str, _Known] = OrderedDict()
        self._cached_projects = cached_projects

    async def scan(self, subject: str, *, after: int = 0, until: int | None = None) -> list[Record]:
        """Every valid event on `subject` (a filter) after `after`, as stored: copies included."""
        return (await self._scan(subject, after=after, until=until))[0]

    async def scan_once(self, subject: str, *, after: int = 0) -> tuple[list[Record], int | None]:
        """One request of `scan`: the valid events it brought back and, when the stream holds
        more on `subject` after them, the position to go on after (else None)."""
        found = await next_messages(self._nc, self._stream, subject, after + 1, batch=_DIRECT_BATCH)
        records = [
            (stored.seq, event)
            for stored in found.messages
            if (event := readable(stored.seq, stored.subject, stored.data)) is not None
        ]
        return records, found.messages[-1].seq if found.more else None

    async def _scan(
        self, subject: str, *, after: int = 0, until: int | None = None
    ) -> tuple[list[Record], int]:
        """`scan`, and the position of the last message seen (valid or not), else `after`."""
        records: list[Record] = []
        start = after + 1
        seen = after
        while until is None or start <= until:
            found = await next_messages(self._nc, self._stream, subject, start, batch=_DIRECT_BATCH)
            for stored in found.messages:
                if until is not None and stored.seq > until:
                    return records, seen
                seen = stored.seq
                event = readable(stored.seq, stored.subject, stored.data)
                if event is not None:
                    records.append((stored.seq, event))
            if not found.more:
                break
            start = found.messages[-1].seq + 1
        return records, seen

    async def _history(self, project_id: str, until: int | None) -> list[Record]:
        """The project's events (each id once) through at least `until`, or through the newest
        when `until` is None: from what was read before, plus what the stream holds after it."""
        known = self._known.get(project_id)
        if known is None:
            known = _Known([], set(), 0, asyncio.Lock())
            self._known[project_id] = known
            while len(self._known) > self._cached_projects:
                self._known.popitem(last=False)
        self._known.move_to_end(project_id)
        async with known.lock:
            if until is None or until > known.through:
                fresh, seen = await self._scan(
                    project_filter(project_id), after=known.through, until=until
                )
                for record in first_of_each(fresh, known=known.ids):
                    known.records.append(record)
                    known.ids.add(record[1].event_id)
                known.through = max(known.through, seen)
            return known.records

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
        # From the start whatever `after` is: a copy past `after` is dropped only by knowing
        # the first one.
        records = await self._history(project_id, until)
        return cut(records, after=after, until=until, limit=limit, types=types)

    async def latest(
        self, project_id: str, event_type: type[E], *, until: int | None = None
    ) -> tuple[int, E] | None:
        if project_id in self._known:
            found = cut(await self._history(project_id, until), until=until, types=[event_type])
        else:
            # One type of a project not read yet: only that subject, not the whole history.
            found = first_of_each(await self.scan(subject_of(project_id, event_type), until=until))
        if not found:
            return None
        position, event = found[-1]
        assert isinstance(event, event_type)
        return position, event


def readable(position: int, subject: str, data: bytes) -> Event | None:
    """The event of a stored message, or None (with a warning) if it is not a valid event."""
    try:
        return decode(subject, data)
    except InvalidEvent as error:
        log.warning("skipping the unreadable message at %d: %s", position, error)
        return None
