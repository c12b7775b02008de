"""The log never shows a hole: a store that refuses a position, a recorder killed mid-batch, two
recorders at once, a database that goes away, and an event the stream holds twice.

Real nats-server, real PostgreSQL, the real recorder (in the test, or as its own process where
it is killed) and the real gateway; every client reads as a user's would.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from appgen.events import (
    Event,
    EventBus,
    NatsSettings,
    ScreenAdded,
    encode,
)
from appgen.events.catalog.subjects import subject_for
from appgen.events.read.log import first_of_each
from appgen.stack import NatsServer
from appgen.store import EventStore
from appgen.store.keys import key_id_of
from appgen.store.samples import sample_history
from tests.clients import (
    Client,
    gateway_client,
    positions_and_ids,
    rest_events,
    sse_events,
    ws_events,
)
from tests.harness import PostgresSource
from tests.running import publish, recorder, recorder_process, wait_for_mark
from tests.streams import read_events

pytestmark = pytest.mark.integration


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[EventStore]:
    opened = await EventStore.open(database_url)
    try:
        yield opened
    finally:
        await opened.close()


def owner_of(client: Client) -> str:
    key_id = key_id_of(client.key)
    assert key_id is not None
    return key_id


def expected(positions: list[int], events: list[Event]) -> list[tuple[int, str]]:
    return [(p, str(e.event_id)) for p, e in zip(positions, events, strict=True)]


async def all_clients(
    client: Client, project_id: str, count: int
) -> dict[str, list[tuple[int, str]]]:
    """What a WebSocket, an event stream and REST paging (two page sizes) read from position 0."""
    ws, sse = await asyncio.gather(
        ws_events(client, project_id, count), sse_events(client, project_id, count)
    )
    return {
        "ws": positions_and_ids(ws),
        "sse": positions_and_ids(sse),
        "rest": positions_and_ids(await rest_events(client, project_id)),
        "rest by 3": positions_and_ids(await rest_events(client, project_id, limit=3)),
    }


async def test_clients_read_through_a_position_the_store_refuses(
    bus: EventBus, nats_settings: NatsSettings, database_url: str, store: EventStore
) -> None:
    async with gateway_client(nats_settings, database_url) as client:
        history = sample_history(owner=owner_of(client))
        project_id = history[0].project_id
        async with recorder(nats_settings, database_url):
            positions = await publish(bus, history[:4])
            await wait_for_mark(store, positions[-1])
            # The third event still to come will be refused by the store for a while.
            refused = (await bus.js.stream_info(bus.settings.stream)).state.last_seq + 3
            admin = await asyncpg.connect(database_url)
            try:
                await admin.execute(
                    f"ALTER TABLE events ADD CONSTRAINT refuse_one CHECK (position <> {refused}) "
                    "NOT VALID"
                )
                live = asyncio.create_task(ws_events(client, project_id, len(history)))
                positions += await publish(bus, history[4:])
                assert positions[6] == refused
                await asyncio.sleep(0.5)
                # Nothing at or past the refused position is in the store, and the mark says so.
                assert await store.high_water() < refused
                assert max(s.position for s in await store.history(project_id)) < refused

                want = expected(positions, history)
                read = await all_clients(client, project_id, len(history))
                assert read == dict.fromkeys(read, want)
                assert positions_and_ids(await live) == want
                resumed = await ws_events(client, project_id, len(history) - 5, since=positions[4])
                assert positions_and_ids(resumed) == want[5:]

                await admin.execute("ALTER TABLE events DROP CONSTRAINT refuse_one")
            finally:
                await admin.close()
            await wait_for_mark(store, positions[-1])
        stored = [(s.position, str(s.event.event_id)) for s in await store.history(project_id)]
        assert stored == want


async def test_a_recorder_killed_holding_a_batch_leaves_only_prefixes(
    bus: EventBus,
    nats_settings: NatsSettings,
    database_url: str,
    store: EventStore,
    tmp_path: Path,
) -> None:
    async with gateway_client(nats_settings, database_url) as client:
        owner = owner_of(client)
        projects = [sample_history(owner=owner) for _ in range(6)]
        ids = [history[0].project_id for history in projects]
        reads: list[tuple[str, list[tuple[int, str]]]] = []
        reading = True

        async def reader() -> None:
            while reading:
                for project_id in ids:
                    # A project not requested yet is a 404; that is a prefix too (empty).
                    with contextlib.suppress(Exception):
                        page = await rest_events(client, project_id, limit=7)
                        reads.append((project_id, positions_and_ids(page)))
                await asyncio.sleep(0.01)

        readers = [asyncio.create_task(reader()) for _ in range(2)]
        try:
            with recorder_process(
                nats_settings.nats_url, database_url, tmp_path / "1.log"
            ) as first:
                await publish(bus, projects[0][:3])
                await wait_for_mark(store, 3)
                # Hold the tracking row: the recorder's next batch inserts, then waits on it.
                blocker = await asyncpg.connect(database_url)
                held = blocker.transaction()
                await held.start()
                await blocker.execute("SELECT * FROM tracking WHERE name = 'recorder' FOR UPDATE")
                rest = [e for history in projects for e in history if e not in projects[0][:3]]
                await publish(bus, rest[: len(rest) // 2])
                await _until_waiting_on_a_lock(blocker)
                first.send_signal(signal.SIGKILL)
                first.wait(timeout=10)
                await held.rollback()
                await blocker.close()
            # Killed again, twice, at whatever it is doing under load.
            later = rest[len(rest) // 2 :]
            for round_, chunk in enumerate((later[: len(later) // 2], later[len(later) // 2 :])):
                log = tmp_path / f"{round_ + 2}.log"
                with recorder_process(nats_settings.nats_url, database_url, log) as again:
                    await publish(bus, chunk)
                    await asyncio.sleep(0.8 + 0.3 * round_)
                    again.send_signal(signal.SIGKILL)
                    again.wait(timeout=10)
            last = (await bus.js.stream_info(bus.settings.stream)).state.last_seq
            with recorder_process(nats_settings.nats_url, database_url, tmp_path / "4.log"):
                await wait_for_mark(store, last)
                await asyncio.sleep(0.2)
        finally:
            reading = False
            await asyncio.gather(*readers)

        final = {pid: positions_and_ids(await rest_events(client, pid)) for pid in ids}
        for history, project_id in zip(projects, ids, strict=True):
            assert [eid for _, eid in final[project_id]] == [str(e.event_id) for e in history]
        assert len(reads) > 20
        for project_id, read in reads:
            assert read == final[project_id][: len(read)], f"{project_id} read a hole"
        await _stored_exactly_the_stream(bus, database_url)


async def _until_waiting_on_a_lock(conn: asyncpg.Connection, within_s: float = 20.0) -> None:
    """Until some other session of this database waits on a lock (the recorder, on our row)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        waiting = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        if waiting:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the recorder never waited on the tracking row")


async def _stored_exactly_the_stream(bus: EventBus, database_url: str) -> None:
    """The store holds each event of the stream once at its first position, and the mark is at
    the stream's end: no position stored twice, none skipped."""
    stream = first_of_each(await read_events(bus.js))
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("SELECT position, event_id::text FROM events ORDER BY position")
        mark = await conn.fetchval("SELECT position FROM tracking WHERE name = 'recorder'")
    finally:
        await conn.close()
    assert [(r[0], r[1]) for r in rows] == [(p, str(e.event_id)) for p, e in stream]
    assert mark == (await bus.js.stream_info(bus.settings.stream)).state.last_seq


def _leads(log: Path) -> bool:
    return "this recorder leads" in log.read_text(errors="replace") if log.exists() else False


async def _until(condition: object, within_s: float = 20.0) -> None:
    assert callable(condition)
    deadline = time.monotonic() + within_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


async def test_two_recorders_one_writes_the_other_takes_over(
    bus: EventBus, nats_settings: NatsSettings, database_url: str, store: EventStore, tmp_path: Path
) -> None:
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    first, second, third = sample_history(), sample_history(), sample_history()
    with (
        recorder_process(nats_settings.nats_url, database_url, logs[0]) as a,
        recorder_process(nats_settings.nats_url, database_url, logs[1]) as b,
    ):
        positions = await publish(bus, first)
        await wait_for_mark(store, positions[-1])
        await _until(lambda: _leads(logs[0]) or _leads(logs[1]))
        await asyncio.sleep(0.5)
        assert _leads(logs[0]) != _leads(logs[1]), "exactly one recorder leads"
        leader, standby = (a, logs[1]) if _leads(logs[0]) else (b, logs[0])
        positions = await publish(bus, second[:5])
        leader.send_signal(signal.SIGKILL)
        leader.wait(timeout=10)
        positions += await publish(bus, second[5:] + third)
        await wait_for_mark(store, positions[-1])
        assert _leads(standby)
    await _stored_exactly_the_stream(bus, database_url)


async def test_a_recorder_that_cannot_reach_postgres_retries_and_loses_nothing(
    bus: EventBus,
    nats_settings: NatsSettings,
    database_url: str,
    postgres: PostgresSource,
    store: EventStore,
) -> None:
    database = database_url.split("?")[0].rsplit("/", 1)[1]
    history = sample_history()
    async with recorder(nats_settings, database_url):
        positions = await publish(bus, history[:5])
        await wait_for_mark(store, positions[-1])
        await store.close()
        await postgres.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false')
        await postgres.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )
        try:
            positions += await publish(bus, history[5:])
            await asyncio.sleep(1.5)
        finally:
            await postgres.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true')
        reopened = await EventStore.open(database_url)
        try:
            await wait_for_mark(reopened, positions[-1])
        finally:
            await reopened.close()
    await _stored_exactly_the_stream(bus, database_url)


async def test_an_event_in_the_stream_twice_reaches_every_client_once(
    bus: EventBus, nats_settings: NatsSettings, database_url: str, store: EventStore
) -> None:
    async with (
        gateway_client(nats_settings, database_url) as client,
        recorder(nats_settings, database_url),
    ):
        history = sample_history(owner=owner_of(client))
        project_id = history[0].project_id
        live = asyncio.create_task(ws_events(client, project_id, len(history) + 1))
        positions = await publish(bus, history[:5])
        await wait_for_mark(store, positions[-1])
        # The recorder is held, so the reads that follow cross from the store to the stream.
        blocker = await asyncpg.connect(database_url)
        try:
            held = blocker.transaction()
            await held.start()
            await blocker.execute("SELECT * FROM tracking WHERE name = 'recorder' FOR UPDATE")
            # Published again without its Nats-Msg-Id, as past JetStream's duplicate window:
            # the first copy is in the store, the second only in the stream.
            await bus.js.publish(subject_for(history[2]), encode(history[2]))
            positions += await publish(bus, history[5:])
            want = expected(positions, history)
            read = await all_clients(client, project_id, len(history))
            assert read == dict.fromkeys(read, want)
            assert await store.high_water() == positions[4]
            await held.rollback()
        finally:
            await blocker.close()
        await wait_for_mark(store, positions[-1])
        read = await all_clients(client, project_id, len(history))
        assert read == dict.fromkeys(read, want)

        # A client resuming past the first copy, while a second copy arrives live: still once.
        resumed = asyncio.create_task(
            ws_events(client, project_id, len(history) - 3, since=positions[3])
        )
        await asyncio.sleep(0.3)
        await bus.js.publish(subject_for(history[1]), encode(history[1]))
        marker = ScreenAdded(project_id=project_id, route="late", title="Late", index=9, total=10)
        marker_position = await bus.publish(marker)
        late = (marker_position, str(marker.event_id))
        assert positions_and_ids(await resumed) == [*want[4:], late]
        assert positions_and_ids(await live) == [*want, late]
        await wait_for_mark(store, marker_position)
        assert positions_and_ids(await rest_events(client, project_id, limit=1)) == [*want, late]


async def test_live_clients_and_the_recorder_carry_on_across_a_nats_server_crash(
    nats_server: NatsServer | str,
    bus: EventBus,
    nats_settings: NatsSettings,
    database_url: str,
    store: EventStore,
) -> None:
    if not isinstance(nats_server, NatsServer):
        pytest.skip("restarting needs a nats-server of the test's own")
    async with (
        gateway_client(nats_settings, database_url) as client,
        recorder(nats_settings, database_url),
    ):
        history = sample_history(owner=owner_of(client))
        project_id = history[0].project_id
        half = len(history) // 2
        live = asyncio.create_task(ws_events(client, project_id, len(history)))
        sse = asyncio.create_task(sse_events(client, project_id, len(history)))
        positions = await publish(bus, history[:half])
        await wait_for_mark(store, positions[-1])
        # SIGKILL: the gateway's reader, the recorder and every connection lose the server.
        await asyncio.to_thread(nats_server.restart, kill=True)
        positions += await _publish_when_back(bus, history[half:])
        want = expected(positions, history)
        # The same sockets, never reconnected, get the rest in order; the store catches up.
        assert positions_and_ids(await live) == want
        assert positions_and_ids(await sse) == want
        await wait_for_mark(store, positions[-1])
    await _stored_exactly_the_stream(bus, database_url)


async def _publish_when_back(bus: EventBus, events: list[Event]) -> list[int]:
    """Publish in order once the restarted server takes publishes again."""
    deadline = time.monotonic() + 30
    positions: list[int] = []
    for event in events:
        while True:
            try:
                positions.append(await bus.publish(event))
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)
    return positions
