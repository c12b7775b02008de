"""A three-node JetStream cluster on this machine, the stream at three replicas, under crashes.

Generations run through the in-process pipeline while the stream's leader is killed with
SIGKILL and started again later, then another node: every acknowledged publish is still
readable, every project completes, the store equals the stream and every replica catches up.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import nats
import nats.errors
import pytest
from nats.js.errors import APIError

from appgen.cli.stack import ensure_event_stream
from appgen.events import EventBus, NatsSettings, ProjectRequested, new_project_id, open_bus
from appgen.events.transport.bus import MSG_ID, server_urls
from appgen.stack import NatsCluster, NatsServer
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.integration

NODES = 3
AFTER = 3
PUBLISH_EVERY_S = 0.7
LEADER_DOWN_S = 12.0
FOLLOWER_DOWN_S = 3.0
COMPLETE_WITHIN_S = 60.0
PROMPTS = ("a plant watering tracker", "a reading list", "a habit tracker", "a recipe box")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    started = NatsCluster(tmp_path / "cluster", NODES).start()
    try:
        yield started
    finally:
        started.stop(kill=True)


@pytest.fixture
async def settings(cluster: NatsCluster, monkeypatch: pytest.MonkeyPatch) -> NatsSettings:
    # Every process of the pipeline reads the replicas from its environment, as under `appgen up`.
    monkeypatch.setenv("APPGEN_STREAM_REPLICAS", str(NODES))
    await ensure_event_stream(cluster.url, NODES)
    return NatsSettings(nats_url=cluster.url)


@pytest.fixture
async def bus(settings: NatsSettings) -> AsyncIterator[EventBus]:
    async with open_bus(settings, name="test-cluster") as opened:
        yield opened


async def publish_until_acked(bus: EventBus, event: ProjectRequested) -> int:
    """Publish, repeating the same event id while the cluster elects a leader (deduplicated)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return await bus.publish(event)
        except (nats.errors.Error, APIError, TimeoutError):
            assert time.monotonic() < deadline, f"{event.event_id} never acknowledged"
            await asyncio.sleep(0.1)


async def stream_leader(bus: EventBus) -> str:
    while True:
        try:
            info = await bus.js.stream_info(bus.settings.stream)
        except (nats.errors.Error, APIError, TimeoutError):
            info = None
        if info is not None and info.cluster is not None and info.cluster.leader:
            return info.cluster.leader
        await asyncio.sleep(0.1)


async def crash_two_nodes(cluster: NatsCluster, bus: EventBus, down: set[str]) -> list[str]:
    """SIGKILL the stream's leader and start it again later; then SIGKILL a follower the same
    way. `down` names the node that is down meanwhile."""
    by_name: dict[str, NatsServer] = {}
    for node in cluster.nodes:
        assert node.name is not None
        by_name[node.name] = node
    killed: list[str] = []
    # The followers elect a new leader 4 to 9 s after they last heard from the old one, so the
    # leader stays down long enough for the stream to be written without it.
    for leader, down_s in ((True, LEADER_DOWN_S), (False, FOLLOWER_DOWN_S)):
        await asyncio.sleep(1.0)
        current = await stream_leader(bus)
        name = current if leader else next(n for n in by_name if n not in (current, *killed))
        victim = by_name[name]
        victim.stop(kill=True)
        killed.append(name)
        down.add(name)
        await asyncio.sleep(down_s)
        await asyncio.to_thread(victim.start)
        down.discard(name)
    return killed


async def all_replicas_current(bus: EventBus) -> None:
    deadline = time.monotonic() + COMPLETE_WITHIN_S
    while True:
        info = await bus.js.stream_info(bus.settings.stream)
        assert info.cluster is not None
        peers = info.cluster.replicas or []
        if len(peers) == NODES - 1 and all(p.current and not p.offline for p in peers):
            return
        assert time.monotonic() < deadline, f"replicas never caught up: {peers}"
        await asyncio.sleep(0.2)


async def stream_ids(bus: EventBus, last: int) -> dict[int, str]:
    """Every message of the stream up to `last`, as position to event id."""
    ids: dict[int, str] = {}
    for seq in range(1, last + 1):
        message = await bus.js.get_msg(bus.settings.stream, seq)
        assert message.headers is not None
        ids[seq] = message.headers[MSG_ID]
    return ids


async def completed_projects(conn: asyncpg.Connection, projects: list[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT project_id FROM events WHERE type = 'ProjectCompleted' AND project_id = ANY($1)",
        projects,
    )
    return {row["project_id"] for row in rows}


async def test_the_cluster_loses_nothing_when_nodes_crash_mid_run(
    cluster: NatsCluster, settings: NatsSettings, bus: EventBus, database_url: str
) -> None:
    started = time.monotonic()
    info = await bus.js.stream_info(settings.stream)
    assert info.config.num_replicas == NODES
    assert len(server_urls(cluster.url)) == NODES

    acked: dict[str, int] = {}
    projects: list[str] = []
    down: set[str] = set()
    acked_while_down: dict[str, int] = {}

    async def request_project() -> None:
        event = ProjectRequested(
            project_id=new_project_id(), prompt=PROMPTS[len(projects) % len(PROMPTS)]
        )
        acked[str(event.event_id)] = await publish_until_acked(bus, event)
        for name in down:
            acked_while_down[name] = acked_while_down.get(name, 0) + 1
        projects.append(event.project_id)

    async with running_pipeline(cluster.url, database_url):
        chaos = asyncio.create_task(crash_two_nodes(cluster, bus, down))
        # Projects keep arriving through both crashes, and a few after the last restart.
        while not chaos.done():
            await request_project()
            await asyncio.sleep(PUBLISH_EVERY_S)
        killed = await chaos
        for _ in range(AFTER):
            await request_project()
        assert len(set(killed)) == 2
        # Two of three nodes are a majority: the stream kept acknowledging with either node down.
        assert set(acked_while_down) == set(killed), acked_while_down

        conn = await asyncpg.connect(database_url)
        try:
            deadline = time.monotonic() + COMPLETE_WITHIN_S
            while (done := await completed_projects(conn, projects)) != set(projects):
                assert time.monotonic() < deadline, (
                    f"{len(done)}/{len(projects)} projects completed"
                )
                await asyncio.sleep(0.2)
            last = (await bus.js.stream_info(settings.stream)).state.last_seq
            deadline = time.monotonic() + COMPLETE_WITHIN_S
            while (
                await conn.fetchval("SELECT position FROM tracking WHERE name = 'recorder'")
            ) < last:
                assert time.monotonic() < deadline, "the recorder never caught up"
                await asyncio.sleep(0.1)
            stored = {
                row["position"]: str(row["event_id"])
                for row in await conn.fetch("SELECT position, event_id FROM events")
            }
            failed = await conn.fetchval("SELECT count(*) FROM events WHERE type = 'ProjectFailed'")
        finally:
            await conn.close()

    in_stream = await stream_ids(bus, last)
    # Every acknowledged publish is where its ack said, under its own id.
    assert {event_id: in_stream[seq] for event_id, seq in acked.items()} == {
        event_id: event_id for event_id in acked
    }
    # The store holds exactly the stream: no hole, no extra, the same position for each event.
    assert stored == in_stream
    assert len(set(in_stream.values())) == len(in_stream)
    assert failed == 0
    await all_replicas_current(bus)
    assert time.monotonic() - started < 90


async def test_a_process_that_starts_during_an_election_waits_for_the_leader(
    tmp_path: Path,
) -> None:
    """A service started while the cluster has no JetStream leader yet (as just after a node
    dies, or at the cluster's own start) waits for one instead of exiting (found by
    `bench faults --cluster`)."""
    fresh = NatsCluster(tmp_path / "electing", NODES).start()
    try:
        settings = NatsSettings(nats_url=fresh.url, stream_replicas=NODES)
        async with asyncio.timeout(90), open_bus(settings, name="early-riser") as early:
            info = await early.js.stream_info(settings.stream)
        assert info.config.num_replicas == NODES
    finally:
        fresh.stop(kill=True)
