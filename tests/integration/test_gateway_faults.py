"""What the gateway must survive: a database outage under open sockets, and requests that race
for the same project id, against real NATS, real PostgreSQL and the real recorder.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
import websockets

from appgen.events import (
    Event,
    EventBus,
    NatsSettings,
    ProjectForked,
    ProjectRequested,
    new_project_id,
    project_event_id,
)
from appgen.events.read.fork import fork_events
from appgen.events.read.log import StreamLog
from appgen.events.transport.trace import project_trace_id
from appgen.gateway import Settings
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.store import EventStore
from appgen.store.keys import key_id_of
from appgen.store.samples import sample_history
from tests.harness import PostgresSource
from tests.running import publish, recorder, stored

pytestmark = pytest.mark.integration

WAIT_S = 30.0
# Rounds of each race: one round may happen not to overlap; several in a row all missing is
# what a fix must make impossible, and what the code before it did not survive.
ROUNDS = 4
PER_KEY = 2


@dataclass
class Site:
    url: str
    bus: EventBus
    store: EventStore
    keys: tuple[str, str]

    def ws(self, path: str) -> str:
        return "ws" + self.url.removeprefix("http") + path

    def client(self, key: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=WAIT_S, headers=bearer(key))


@pytest.fixture
async def site(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> AsyncIterator[Site]:
    settings = Settings(
        nats_url=nats_settings.nats_url,
        database_url=database_url,
        gateway_port=0,
        heartbeat_s=5,
        max_ws_per_key=PER_KEY,
        max_concurrent_generations=2 * ROUNDS,
        # Fast rounds, so a leaked row would be kept fresh many times over within the test.
        ws_refresh_s=0.3,
    )
    store = await EventStore.open(database_url)
    keys = (await create_key(database_url, "alice"), await create_key(database_url, "bob"))
    try:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(recorder(nats_settings, database_url))
            url = await stack.enter_async_context(serve_gateway(settings))
            yield Site(url, bus, store, keys)
    finally:
        await store.close()


def owner_of(key: str) -> str:
    key_id = key_id_of(key)
    assert key_id is not None
    return key_id


async def owned_project(site: Site, key: str, *, derived_request_id: bool = True) -> list[Event]:
    """A finished project of `key`, published and stored. A request the gateway made has the
    id derived from its project id, as every copy of it in a fork of that id does too."""
    history = sample_history(owner=owner_of(key), images=0)
    if derived_request_id:
        request = history[0]
        history[0] = request.model_copy(
            update={"event_id": project_event_id(request.project_id, "ProjectRequested")}
        )
    await publish(site.bus, history)
    await stored(site.store, history[0].project_id, len(history))
    return history


async def stream_of(bus: EventBus, project_id: str) -> list[Event]:
    return [event for _, event in await StreamLog(bus.nc, bus.settings).everything(project_id)]


# --- 5. a WebSocket slot does not leak when PostgreSQL is away as the socket closes ---------


async def first_message(url: str, key: str) -> dict[str, Any]:
    async with websockets.connect(url, additional_headers=bearer(key)) as socket:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
        return message


async def open_sockets(site: Site, path: str, key: str, count: int) -> list[Any] | None:
    """`count` open sockets, each past the limits (its first message is the project's history),
    or None (and none left open) when the gateway refuses one."""
    opened: list[Any] = []
    try:
        for _ in range(count):
            socket = await websockets.connect(site.ws(path), additional_headers=bearer(key))
            opened.append(socket)
            message = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
            if message.get("type") == "error":
                break
        else:
            return opened
    except websockets.ConnectionClosed:
        pass
    for socket in opened:
        await socket.close()
    return None


async def cut_off(postgres: PostgresSource, database: str) -> None:
    await postgres.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false')
    await postgres.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )


async def test_websocket_places_freed_during_a_database_outage_come_back_after_it(
    site: Site, postgres: PostgresSource, database_url: str
) -> None:
    key = site.keys[0]
    project_id = (await owned_project(site, key))[0].project_id
    path = f"/api/v1/ws/generate/{project_id}"
    database = database_url.split("?")[0].rsplit("/", 1)[1]
    opened = await open_sockets(site, path, key, PER_KEY)
    assert opened is not None
    await cut_off(postgres, database)
    try:
        # Every socket of the key closes while the gateway cannot write down that it did.
        for socket in opened:
            await socket.close()
        # The gateway's refresh runs a few times against the closed database meanwhile.
        await asyncio.sleep(1.5)
    finally:
        await postgres.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true')
    # The first refresh that reaches the database frees their places; a gateway that kept
    # refreshing its closed sockets' rows would refuse the key for ever.
    deadline = time.monotonic() + 10
    while (reopened := await open_sockets(site, path, key, PER_KEY)) is None:
        assert time.monotonic() < deadline, "the places freed in the outage never came back"
        await asyncio.sleep(0.2)
    try:
        # And the limit itself still holds.
        message = await first_message(site.ws(path), key)
        assert message["type"] == "error"
        assert message["error"].startswith("websockets_per_key"), message
    finally:
        for socket in reopened:
            await socket.close()
    # With every socket closed and the database up, no row is left counting against the key.
    conn = await asyncpg.connect(database_url)
    try:
        while rows := await conn.fetchval("SELECT count(*) FROM ws_connections"):
            assert time.monotonic() < deadline + WAIT_S, f"{rows} rows of closed sockets left"
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


# --- 6. one Idempotency-Key names one request, even for two that race -----------------------


async def test_two_requests_racing_with_one_idempotency_key_and_two_prompts_get_202_and_409(
    site: Site,
) -> None:
    async with site.client(site.keys[0]) as http:
        for round_ in range(ROUNDS):
            headers = {"Idempotency-Key": f"race-{round_}-{new_project_id()}"}
            prompts = ("A plant watering tracker", "A recipe box for the family")
            answers = await asyncio.gather(
                *(
                    http.post("/api/v1/projects", json={"prompt": p}, headers=headers)
                    for p in prompts
                )
            )
            statuses = sorted(answer.status_code for answer in answers)
            assert statuses == [202, 409], [answer.text for answer in answers]
            won = next(answer for answer in answers if answer.status_code == 202)
            assert won.json()["created"] is True
            project_id = won.json()["project_id"]
            winner = prompts[answers.index(won)]
            events = await stream_of(site.bus, project_id)
            requests = [e for e in events if isinstance(e, ProjectRequested)]
            assert [r.prompt for r in requests] == [winner]
            # A retry of either afterwards is answered the same way.
            again = await http.post("/api/v1/projects", json={"prompt": winner}, headers=headers)
            assert (again.status_code, again.json()["created"]) == (200, False)
            other = prompts[1 - answers.index(won)]
            refused = await http.post("/api/v1/projects", json={"prompt": other}, headers=headers)
            assert refused.status_code == 409


# --- 7. a fork into an id that is taken is refused, even by a fork that races it ------------


@pytest.mark.parametrize("derived_request_id", [True, False])
async def test_two_keys_forking_into_one_id_at_once_one_gets_409_and_the_fork_is_whole(
    site: Site, derived_request_id: bool
) -> None:
    alice, bob = site.keys
    sources = [
        await owned_project(site, key, derived_request_id=derived_request_id)
        for key in (alice, bob)
    ]
    async with site.client(alice) as one, site.client(bob) as two:
        for _ in range(ROUNDS):
            fork_id = new_project_id()
            answers = await asyncio.gather(
                *(
                    http.post(
                        f"/api/v1/projects/{source[0].project_id}/fork",
                        json={"project_id": fork_id},
                    )
                    for http, source in zip((one, two), sources, strict=True)
                )
            )
            statuses = [answer.status_code for answer in answers]
            assert sorted(statuses) == [202, 409], [answer.text for answer in answers]
            won = statuses.index(202)
            source, key = sources[won], (alice, bob)[won]
            copied = {event.event_id for event in source}
            events = await stream_of(site.bus, fork_id)
            copies = [e for e in events if e.metadata.copied_from is not None]
            # The fork holds the winner's copy, whole and once, and nothing of the loser's.
            assert [e.metadata.copied_from for e in copies] == [e.event_id for e in source]
            assert all(e.metadata.copied_from in copied for e in copies)
            requests = [e for e in events if isinstance(e, ProjectRequested)]
            assert [r.owner for r in requests] == [owner_of(key)]
            forked = [e.source_project_id for e in events if isinstance(e, ProjectForked)]
            assert forked == [source[0].project_id]
            # The winner's retry still answers 200; the loser's is still refused.
            http, loser = ((one, two), (two, one))[won]
            path = f"/api/v1/projects/{source[0].project_id}/fork"
            retry = await http.post(path, json={"project_id": fork_id})
            assert (retry.status_code, retry.json()["created"]) == (200, False)
            other = sources[1 - won][0].project_id
            refused = await loser.post(
                f"/api/v1/projects/{other}/fork", json={"project_id": fork_id}
            )
            assert refused.status_code == 409


async def test_a_retry_finishes_a_fork_that_was_cut_short_after_its_claim(site: Site) -> None:
    alice = site.keys[0]
    source_events = await owned_project(site, alice)
    source_id = source_events[0].project_id
    source = await StreamLog(site.bus.nc, site.bus.settings).everything(source_id)
    fork_id = new_project_id()
    events = fork_events(
        source,
        fork_id,
        source_project_id=source_id,
        source_position=source[-1][0],
        owner=owner_of(alice),
        trace_id=project_trace_id(fork_id),
    )
    # The gateway that forked died after the claim and two more copies.
    await publish(site.bus, events[:3])
    async with site.client(alice) as http:
        retry = await http.post(f"/api/v1/projects/{source_id}/fork", json={"project_id": fork_id})
    assert (retry.status_code, retry.json()["created"]) == (200, False), retry.text
    assert [e.event_id for e in await stream_of(site.bus, fork_id)] == [e.event_id for e in events]


# --- a database outage is a 503 that says "try again", never a 500 -------------------------


async def test_requests_during_a_database_outage_get_503_with_retry_after(
    site: Site, postgres: PostgresSource, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    database = database_url.split("?")[0].rsplit("/", 1)[1]
    async with site.client(site.keys[0]) as http:
        await cut_off(postgres, database)
        try:
            answer = await http.post("/api/v1/projects", json={"prompt": "A plant care app"})
            assert answer.status_code == 503, answer.text
            assert answer.headers["retry-after"].isdigit()
            assert answer.headers["content-type"] == "application/problem+json"
            assert "PostgreSQL is unreachable" in answer.json()["detail"]
        finally:
            await postgres.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true')
        # Back: the same request goes through.
        deadline = time.monotonic() + WAIT_S
        while (
            again := await http.post("/api/v1/projects", json={"prompt": "A plant care app"})
        ).status_code == 503:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.2)
        assert again.status_code == 202, again.text
    # One line per refused request, not a crash's traceback.
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]
