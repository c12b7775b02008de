"""One contract for every `ProjectLog`: the in-memory log, the stream, and the store + stream.

Each implementation is given the same publications (two projects interleaved, one event
published a second time past the duplicate window) and must answer every read the same way the
reference answers it: in order, each event once at its first position, no hole. The store-backed
log is tried with its high-water mark at the start, in the middle and at the end of the history,
so every read crosses the seam between the store and the stream somewhere.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import pytest

from appgen.events import (
    Event,
    EventBus,
    FilesWritten,
    MemoryLog,
    PreviewReady,
    ProjectLog,
    ProjectRequested,
    ScreenAdded,
    StreamLog,
    encode,
    new_project_id,
)
from appgen.events.catalog.subjects import subject_for
from appgen.events.read.log import first_of_each
from appgen.events.read.projection import file_tree, fold
from appgen.events.read.tail import StreamMessage
from appgen.events.read.window import RecentWindow
from appgen.store import EventStore, StoredLog
from appgen.store.samples import sample_history

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Published:
    """What was published, in order: (position, event), copies included."""

    log: ProjectLog
    records: list[tuple[int, Event]]

    def of(self, project_id: str) -> list[tuple[int, Event]]:
        """The reference answer: the project's events once each, at their first position."""
        return first_of_each(r for r in self.records if r[1].project_id == project_id)


Builder = Callable[[list[tuple[Event, bool]]], Awaitable[Published]]


async def _to_stream(
    bus: EventBus, publications: list[tuple[Event, bool]]
) -> list[tuple[int, Event]]:
    records = []
    for event, copy in publications:
        if copy:
            # Without its Nats-Msg-Id, as after the duplicate window: a second position.
            ack = await bus.js.publish(subject_for(event), encode(event))
            records.append((ack.seq, event))
        else:
            records.append((await bus.publish(event), event))
    return records


@pytest.fixture(params=["memory", "stream", "stored-none", "stored-half", "stored-all"])
async def build(
    request: pytest.FixtureRequest, bus: EventBus, database_url: str
) -> AsyncIterator[Builder]:
    kind: str = request.param
    store = await EventStore.open(database_url)

    async def memory(publications: list[tuple[Event, bool]]) -> Published:
        log = MemoryLog()
        return Published(log, [(log.append(event), event) for event, _ in publications])

    async def stream(publications: list[tuple[Event, bool]]) -> Published:
        records = await _to_stream(bus, publications)
        return Published(StreamLog(bus.nc, bus.settings), records)

    async def stored(publications: list[tuple[Event, bool]]) -> Published:
        records = await _to_stream(bus, publications)
        share = {"stored-none": 0.0, "stored-half": 0.5, "stored-all": 1.0}[kind]
        upto = records[int(len(records) * share) - 1][0] if share else 0
        # What the recorder does: everything up to the mark, in one transaction with it.
        below = [record for record in records if record[0] <= upto]
        await store.append_tracked(below, expected=0, position=upto)
        return Published(StoredLog(store, StreamLog(bus.nc, bus.settings)), records)

    try:
        yield {"memory": memory, "stream": stream}.get(kind, stored)
    finally:
        await store.close()


def _two_projects() -> tuple[list[tuple[Event, bool]], str, str]:
    """Two projects' histories interleaved, with one event of the first published twice."""
    first, second = sample_history(owner="k1"), sample_history(owner="k2", screens=2)
    publications: list[tuple[Event, bool]] = []
    for index in range(max(len(first), len(second))):
        if index < len(first):
            publications.append((first[index], False))
        if index < len(second):
            publications.append((second[index], False))
        if index == 6:
            publications.append((first[3], True))
    publications.append((first[5], True))
    return publications, first[0].project_id, second[0].project_id


async def test_a_project_reads_in_order_each_event_once(build: Builder) -> None:
    publications, one, two = _two_projects()
    published = await build(publications)
    for project_id in (one, two):
        expected = published.of(project_id)
        assert await published.log.read(project_id) == expected
        assert await published.log.everything(project_id) == expected


async def test_pages_join_into_the_whole_history_without_repeats(build: Builder) -> None:
    publications, one, _ = _two_projects()
    published = await build(publications)
    expected = published.of(one)
    for size in (1, 2, 5):
        pages: list[tuple[int, Event]] = []
        after = 0
        while page := await published.log.read(one, after=after, limit=size):
            assert len(page) <= size
            pages.extend(page)
            after = page[-1][0]
        assert pages == expected


async def test_until_types_and_windows_cut_the_same_sequence(build: Builder) -> None:
    publications, one, _ = _two_projects()
    published = await build(publications)
    expected = published.of(one)
    middle = expected[len(expected) // 2][0]
    assert await published.log.read(one, until=middle) == [r for r in expected if r[0] <= middle]
    window = await published.log.read(one, after=expected[2][0], until=middle)
    assert window == [r for r in expected if expected[2][0] < r[0] <= middle]
    screens = await published.log.read(one, types=[ScreenAdded])
    assert screens == [r for r in expected if isinstance(r[1], ScreenAdded)]
    assert screens


async def test_latest_is_the_last_of_a_type_at_its_first_position(build: Builder) -> None:
    publications, one, two = _two_projects()
    published = await build(publications)
    expected = published.of(one)
    screens = [r for r in expected if isinstance(r[1], ScreenAdded)]
    assert await published.log.latest(one, ScreenAdded) == screens[-1]
    assert await published.log.latest(one, ScreenAdded, until=screens[0][0]) == screens[0]
    assert await published.log.latest(one, ScreenAdded, until=screens[0][0] - 1) is None
    # The event published twice is found at its first position, not at its copy's.
    copied = publications[-1][0]
    found = await published.log.latest(one, type(copied))
    assert found is not None
    assert found == [r for r in expected if type(r[1]) is type(copied)][-1]
    assert await published.log.latest(two, PreviewReady) == next(
        r for r in published.of(two) if isinstance(r[1], PreviewReady)
    )


async def test_ids_owner_state_and_files_fold_the_same_events(build: Builder) -> None:
    publications, one, _ = _two_projects()
    published = await build(publications)
    expected = published.of(one)
    middle = expected[len(expected) // 2][0]
    log = published.log
    assert await log.event_ids(one) == {e.event_id for _, e in expected}
    assert await log.event_ids(one, until=middle) == {
        e.event_id for p, e in expected if p <= middle
    }
    assert await log.first(one) == expected[0]
    assert isinstance(expected[0][1], ProjectRequested)
    assert await log.owner(one) == (True, "k1")
    assert await log.state(one) == fold(expected)
    assert await log.state(one, at=middle) == fold([r for r in expected if r[0] <= middle])
    tree = await log.files(one, at=middle)
    assert tree.files == file_tree([r for r in expected if r[0] <= middle])
    assert tree.position == max(p for p, _ in expected if p <= middle)
    assert any(isinstance(e, FilesWritten) for _, e in expected)


async def test_a_project_with_no_events_is_absent(build: Builder) -> None:
    publications, _, _ = _two_projects()
    published = await build(publications)
    nobody = new_project_id()
    assert await published.log.read(nobody) == []
    assert await published.log.first(nobody) is None
    assert await published.log.owner(nobody) == (False, None)
    assert await published.log.state(nobody) is None
    assert await published.log.latest(nobody, ProjectRequested) is None
    assert (await published.log.files(nobody)).files == {}


async def test_an_unreadable_message_is_skipped_by_the_stream_log(bus: EventBus) -> None:
    history = sample_history()
    project_id = history[0].project_id
    await bus.publish(history[0])
    await bus.js.publish(f"{subject_for(history[1]).rsplit('.', 1)[0]}.NoSuchType", b"{}")
    await bus.js.publish(subject_for(history[1]), b"not json")
    position = await bus.publish(history[1])
    log = StreamLog(bus.nc, bus.settings)
    records = await log.read(project_id)
    assert [event for _, event in records] == history[:2]
    assert records[-1][0] == position


async def test_a_log_that_read_a_project_before_reads_what_came_after(bus: EventBus) -> None:
    """A StreamLog keeps what it read of a project; later events, a copy published past the
    duplicate window, and a bound beyond the newest position must not fool it."""
    history = sample_history()
    project_id = history[0].project_id
    log = StreamLog(bus.nc, bus.settings)
    first = await bus.publish(history[0])
    # A bound far beyond the newest: nothing later may be taken as read already.
    assert [e for _, e in await log.read(project_id, until=first + 1000)] == history[:1]
    positions = [await bus.publish(event) for event in history[1:4]]
    assert [e for _, e in await log.read(project_id)] == history[:4]
    # The same fact again past the duplicate window: still read once, at its first position.
    await bus.js.publish(subject_for(history[2]), encode(history[2]))
    await bus.publish(history[4])
    records = await log.read(project_id)
    assert [e for _, e in records] == history[:5]
    assert records[2][0] == positions[1]
    assert await log.latest(project_id, type(history[4])) == (records[4][0], history[4])
    # Reads into the past are answered from what was read, the same as a fresh log's.
    fresh = StreamLog(bus.nc, bus.settings)
    for until in (first, positions[0], positions[2]):
        assert await log.read(project_id, until=until) == await fresh.read(project_id, until=until)


async def test_a_history_longer_than_one_batch_reads_whole_from_any_mark(build: Builder) -> None:
    # More events than one batched direct get brings back (256), so a read from the start goes
    # on past its first batch, wherever the store's mark is; with copies on both sides of it.
    first = sample_history(owner="k1")
    project_id = first[0].project_id
    added = [
        ScreenAdded(project_id=project_id, route=f"s{n}", title="S", index=n, total=600)
        for n in range(600)
    ]
    publications = [(event, False) for event in [*first, *added]]
    publications[300:300] = [(added[10], True)]
    publications.append((added[400], True))
    published = await build(publications)
    expected = published.of(project_id)
    assert len(expected) == len(first) + 600
    assert await published.log.read(project_id) == expected
    assert await published.log.read(project_id, limit=500) == expected[:500]
    assert await published.log.read(project_id, types=[ScreenAdded]) == [
        record for record in expected if isinstance(record[1], ScreenAdded)
    ]


async def test_a_store_whose_mark_went_back_is_still_read_whole(
    bus: EventBus, database_url: str
) -> None:
    # A read from the start asks the stream after the last mark it saw; a store restored from
    # an earlier backup under a running gateway has a lower mark, and nothing may fall between.
    history = sample_history(owner="k1")
    records = await _to_stream(bus, [(event, False) for event in history])
    store = await EventStore.open(database_url)
    try:
        await store.append_tracked(records, expected=0, position=records[-1][0])
        log = StoredLog(store, StreamLog(bus.nc, bus.settings))
        project_id = history[0].project_id
        assert await log.read(project_id) == records
        half = records[len(records) // 2][0]
        conn = await asyncpg.connect(database_url)
        try:
            await conn.execute("DELETE FROM events WHERE position > $1", half)
            await conn.execute("UPDATE tracking SET position = $1 WHERE name = 'recorder'", half)
        finally:
            await conn.close()
        assert await log.read(project_id) == records
        assert await log.read(project_id, limit=3) == records[:3]
    finally:
        await store.close()


def _window(records: list[tuple[int, Event]], *, start: int = 1, **limits: int) -> RecentWindow:
    """What the hub would hold had it read the stream from `start`."""
    window = RecentWindow(start=start, **limits)
    for position, event in records:
        if position >= start:
            window.add(event.project_id, StreamMessage(position, subject_for(event), encode(event)))
    return window


@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
async def test_a_read_with_the_hubs_window_is_the_same_read(
    bus: EventBus, database_url: str, share: float
) -> None:
    publications, one, two = _two_projects()
    records = await _to_stream(bus, publications)
    upto = records[int(len(records) * share) - 1][0] if share else 0
    store = await EventStore.open(database_url)
    try:
        await store.append_tracked([r for r in records if r[0] <= upto], expected=0, position=upto)
        log = StoredLog(store, StreamLog(bus.nc, bus.settings))
        reference = Published(log, records)
        whole = _window(records)
        # Pushed out past the mark, and a window that starts after it: the stream is asked.
        pushed = _window(records, messages=3)
        late = _window(records, start=records[-2][0])
        for project_id in (one, two):
            expected = reference.of(project_id)
            for window in (whole, pushed, late, whole):
                assert await log.read(project_id, recent=window) == expected
                assert await log.read(project_id, recent=window, limit=4) == expected[:4]
    finally:
        await store.close()


async def test_a_window_behind_the_stream_gives_a_prefix_and_never_hides_the_project(
    bus: EventBus, database_url: str
) -> None:
    publications, one, _ = _two_projects()
    records = await _to_stream(bus, publications)
    store = await EventStore.open(database_url)
    try:
        await store.append_tracked([], expected=0, position=0)
        log = StoredLog(store, StreamLog(bus.nc, bus.settings))
        expected = Published(log, records).of(one)
        # The hub has read only part of the stream: what it holds is a prefix, no hole (the
        # feed gets the rest from its subscription).
        partial = _window(records[: len(records) // 2])
        got = await log.read(one, recent=partial)
        assert got
        assert got == expected[: len(got)]
        # Nothing read yet: the project is not taken for absent, the stream is asked.
        assert await log.read(one, recent=_window([])) == expected
    finally:
        await store.close()
