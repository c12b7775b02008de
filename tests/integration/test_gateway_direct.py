"""The hub's direct path against a real gateway: caught-up sockets are sent each event by the hub
itself, every message the same as a socket reading the history is sent, in order and once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import websockets
from prometheus_client import REGISTRY

from appgen.events import EventBus, NatsSettings
from appgen.gateway import Settings
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.store.keys import key_id_of
from appgen.store.samples import sample_history
from tests.running import publish, recorder

pytestmark = pytest.mark.integration

WAIT_S = 30.0


@asynccontextmanager
async def gateway(
    nats_settings: NatsSettings, database_url: str, *, heartbeat_s: float
) -> AsyncIterator[tuple[str, str]]:
    """A gateway and a recorder: the gateway's ws:// origin and a key."""
    settings = Settings(
        nats_url=nats_settings.nats_url,
        database_url=database_url,
        gateway_port=0,
        heartbeat_s=heartbeat_s,
    )
    key = await create_key(database_url)
    async with recorder(nats_settings, database_url), serve_gateway(settings) as url:
        yield "ws" + url.removeprefix("http"), key


@pytest.fixture
async def served(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> AsyncIterator[tuple[str, str]]:
    async with gateway(nats_settings, database_url, heartbeat_s=5) as served:
        yield served


async def receive_events(socket: Any, count: int) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    async with asyncio.timeout(WAIT_S):
        while len(received) < count:
            message = json.loads(await socket.recv())
            if "position" in message and "event_id" in message:
                received.append(message)
    return received


def direct_frames() -> float:
    return REGISTRY.get_sample_value("appgen_ws_direct_frames_total") or 0.0


async def test_caught_up_sockets_get_the_hubs_frames_as_a_reader_of_history_would(
    served: tuple[str, str], bus: EventBus
) -> None:
    origin, key = served
    history = sample_history(owner=key_id_of(key), screens=6, images=2)
    project_id = history[0].project_id
    first, rest = history[:3], history[3:]
    await publish(bus, first)
    url = f"{origin}/api/v1/ws/generate/{project_id}"
    auth = bearer(key)
    async with (
        websockets.connect(url, additional_headers=auth) as one,
        websockets.connect(url, additional_headers=auth) as other,
    ):
        seen = [await receive_events(one, len(first)), await receive_events(other, len(first))]
        # Both have read their history: the hub writes the rest to them itself.
        before = direct_frames()
        await publish(bus, rest)
        live = [await receive_events(one, len(rest)), await receive_events(other, len(rest))]
    assert direct_frames() - before == 2 * len(rest)
    async with websockets.connect(url, additional_headers=auth) as late:
        replayed = await receive_events(late, len(history))
    assert seen[0] + live[0] == replayed
    assert seen[1] + live[1] == replayed


async def test_an_idle_socket_is_sent_heartbeats_at_the_position_it_has_reached(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> None:
    """With the heartbeat twice a second, an idle socket's heartbeats are whole messages that
    say the position it has reached, before more events and after them."""
    async with gateway(nats_settings, database_url, heartbeat_s=0.5) as (origin, key):
        await heartbeats_between_events(bus, origin, key)


async def heartbeats_between_events(bus: EventBus, origin: str, key: str) -> None:
    history = sample_history(owner=key_id_of(key), screens=2, images=1)
    project_id = history[0].project_id
    first, rest = history[:3], history[3:]
    positions = await publish(bus, first)
    url = f"{origin}/api/v1/ws/generate/{project_id}"
    async with websockets.connect(url, additional_headers=bearer(key)) as socket:
        await receive_events(socket, len(first))
        pings: list[str | bytes] = []
        async with asyncio.timeout(WAIT_S):
            while len(pings) < 3:
                message = await socket.recv()
                assert json.loads(message)["type"] == "ping", message
                pings.append(message)
        assert set(pings) == {f'{{"type":"ping","position":{positions[-1]}}}'}
        positions += await publish(bus, rest)
        live = await receive_events(socket, len(rest))
        assert [m["position"] for m in live] == positions[len(first) :]
        async with asyncio.timeout(WAIT_S):
            while (after := json.loads(await socket.recv())).get("type") != "ping":
                pass
        assert after == {"type": "ping", "position": positions[-1]}
