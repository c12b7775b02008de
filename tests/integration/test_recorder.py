"""The recorder against a real nats-server and a real PostgreSQL: every event stored exactly once."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest

from appgen.events import Event, EventBus, NatsSettings, encode
from appgen.events.catalog.subjects import subject_for
from appgen.events.read.tail import StreamMessage
from appgen.recorder.handlers import Batch, sort_batch
from appgen.recorder.recorder import serve
from appgen.recorder.settings import Settings as RecorderSettings
from appgen.store import RECORDER, EventStore
from appgen.store.samples import sample_history
from tests.running import recorder

pytestmark = pytest.mark.integration

# How long a test waits for the recorder to catch up before it fails.
WAIT_S = 30.0


async def stored_rows(database_url: str) -> list[tuple[int, str]]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("SELECT position, event_id::text FROM events ORDER BY position")
    finally:
        await conn.close()
    return [(row[0], row[1]) for row in rows]


async def wait_for_rows(database_url: str, count: int) -> None:
    deadline = time.monotonic() + WAIT_S
    while len(await stored_rows(database_url)) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"only {len(await stored_rows(database_url))}/{count} stored")
        await asyncio.sleep(0.05)


async def publish(bus: EventBus, events: list[Event]) -> dict[str, int]:
    """Publish in order; event id -> stream sequence."""
    return {str(event.event_id): await bus.publish(event) for event in events}


async def test_every_event_stored_once_at_its_stream_sequence(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> None:
    events = [e for _ in range(5) for e in sample_history()]
    sequences = await publish(bus, events)
    async with recorder(nats_settings, database_url):
        await wait_for_rows(database_url, len(events))
    rows = await stored_rows(database_url)
    assert sorted(rows) == sorted((seq, eid) for eid, seq in sequences.items())

    store = await EventStore.open(database_url)
    try:
        summaries, total = await store.list_projects()
        assert total == 5
        assert {s.status for s in summaries} == {"complete"}
        assert await store.last_position() == max(sequences.values())
    finally:
        await store.close()


async def test_republished_event_is_stored_once_at_its_first_position(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> None:
    events = sample_history()
    sequences = await publish(bus, events)
    # Published again without its Nats-Msg-Id, as after the duplicate window: a new position.
    again = await bus.js.publish(subject_for(events[3]), encode(events[3]))
    assert again.seq > max(sequences.values())
    assert (await bus.publish(events[4])) == sequences[str(events[4].event_id)]  # deduplicated
    async with recorder(nats_settings, database_url):
        await wait_for_rows(database_url, len(events))
        # The republished copy comes last; wait until the recorder has consumed it too.
        await wait_for_ack(bus, database_url, again.seq)
    rows = await stored_rows(database_url)
    assert len(rows) == len(events)
    assert (sequences[str(events[3].event_id)], str(events[3].event_id)) in rows
    assert again.seq not in {position for position, _ in rows}


async def test_events_stored_before_a_lost_ack_are_not_stored_twice(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> None:
    events = sample_history()
    sequences = await publish(bus, events)
    # The state a crash between commit and ack leaves: half the events stored, none acked.
    store = await EventStore.open(database_url)
    try:
        half = [(sequences[str(e.event_id)], e) for e in events[: len(events) // 2]]
        assert await store.append(half) == len(half)
        async with recorder(nats_settings, database_url):
            await wait_for_ack(bus, database_url, max(sequences.values()))
        state = await store.project_state(events[0].project_id)
    finally:
        await store.close()
    assert len(await stored_rows(database_url)) == len(events)
    assert state is not None
    assert state.event_count == len(events)
    assert state.status == "complete"


async def test_recorder_restarted_mid_stream_loses_nothing(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> None:
    first = [e for _ in range(50) for e in sample_history()]
    await publish_fast(bus, first)
    async with recorder(nats_settings, database_url):
        await wait_for_rows(database_url, 1)
    stored_at_stop = len(await stored_rows(database_url))
    second = [e for _ in range(5) for e in sample_history()]
    await publish_fast(bus, second)
    async with recorder(nats_settings, database_url):
        await wait_for_rows(database_url, len(first) + len(second))
    rows = await stored_rows(database_url)
    assert stored_at_stop < len(rows)
    assert len({eid for _, eid in rows}) == len(rows) == len(first) + len(second)
    assert [position for position, _ in rows] == list(range(1, len(rows) + 1))


async def publish_fast(bus: EventBus, events: list[Event]) -> None:
    for event in events:
        await bus.js.publish_async(
            subject_for(event), encode(event), headers={"Nats-Msg-Id": str(event.event_id)}
        )
    await bus.js.publish_async_completed()


async def wait_for_ack(bus: EventBus, database_url: str, sequence: int) -> None:
    """Until the store's high-water mark has reached `sequence`."""
    store = await EventStore.open(database_url)
    try:
        deadline = time.monotonic() + WAIT_S
        while (mark := await store.high_water()) < sequence:
            if time.monotonic() > deadline:
                raise AssertionError(f"the recorder's mark is at {mark}, not {sequence}")
            await asyncio.sleep(0.05)
    finally:
        await store.close()


def test_decoded_parts_join_in_stream_order() -> None:
    messages = [
        StreamMessage(position, subject_for(event), encode(event))
        for position, event in enumerate(sample_history(), 1)
    ]
    messages.append(StreamMessage(len(messages) + 1, "appgen.events.p-x.Nonsense", b"{}"))
    parts = [sort_batch(messages[i : i + 3]) for i in range(0, len(messages), 3)]
    joined = Batch.join(parts)
    whole = sort_batch(messages)
    assert [(p, e.event_id) for p, e in joined.records] == [
        (p, e.event_id) for p, e in whole.records
    ]
    assert joined.unreadable == whole.unreadable
    assert joined.raw == whole.raw
    assert joined.last == len(messages)
    assert Batch.join(parts[:1]) is parts[0]


async def test_mark_never_passes_a_hole_while_catching_up_in_small_transactions(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> None:
    """Many decoded parts joined into each transaction, many transactions: at every moment the
    store holds every position up to its mark, read in one snapshot."""
    events = [e for _ in range(40) for e in sample_history()]
    await publish_fast(bus, events)
    settings = RecorderSettings(
        nats_url=nats_settings.nats_url, database_url=database_url, migrate=False, batch_max=150
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop))
    conn = await asyncpg.connect(database_url)
    marks: list[int] = []
    try:
        deadline = time.monotonic() + WAIT_S
        while not marks or marks[-1] < len(events):
            if time.monotonic() > deadline:
                raise AssertionError(f"the recorder's mark is at {marks[-1:]}, not {len(events)}")
            row = await conn.fetchrow(
                "SELECT t.position AS mark, (SELECT count(*) FROM events e "
                "WHERE e.position <= t.position) AS below FROM tracking t WHERE t.name = $1",
                RECORDER,
            )
            if row is not None:
                assert row["below"] == row["mark"]
                marks.append(row["mark"])
            await asyncio.sleep(0.005)
    finally:
        await conn.close()
        stop.set()
        await asyncio.wait_for(task, 30)
    assert marks == sorted(marks)
    assert len(set(marks)) > 3
    rows = await stored_rows(database_url)
    assert [position for position, _ in rows] == list(range(1, len(events) + 1))
