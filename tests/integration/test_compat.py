"""The earlier generator's protocol against a real gateway, NATS, PostgreSQL and recorder.

Keyless sockets are told what to do; its REST routes (`POST /api/v1/generate-stream`,
`GET /api/v1/stream-status/{id}`) answer in its shapes; a socket that resumes with `since` still
gets the whole list of screens. The whole protocol through the real pipeline, as that
generator's client speaks it, is tests/e2e/test_earlier_clients.py.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets

from appgen.events import EventBus, NatsSettings, ScreenAdded
from appgen.gateway import Settings
from appgen.gateway.routes.ws import NO_CREDENTIAL
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.store import EventStore
from appgen.store.keys import key_id_of
from appgen.store.samples import sample_history
from tests.running import publish, recorder, stored

pytestmark = pytest.mark.integration

WAIT_S = 30.0
PROMPT = "A plant watering tracker with reminders"


@asynccontextmanager
async def gateway(
    nats_settings: NatsSettings, database_url: str, **options: Any
) -> AsyncIterator[str]:
    settings = Settings(
        nats_url=nats_settings.nats_url, database_url=database_url, gateway_port=0, **options
    )
    async with recorder(nats_settings, database_url), serve_gateway(settings) as url:
        yield url


def ws(url: str, path: str) -> str:
    return "ws" + url.removeprefix("http") + path


async def test_a_keyless_socket_is_told_how_to_get_in(
    nats_settings: NatsSettings, database_url: str
) -> None:
    async with gateway(nats_settings, database_url) as url:
        path = f"/api/v1/ws/generate/{uuid.uuid4()}"
        async with websockets.connect(ws(url, path)) as socket:
            error = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), WAIT_S)
    assert closed.value.rcvd is not None
    code, reason = closed.value.rcvd.code, closed.value.rcvd.reason
    assert (code, reason) == (1008, NO_CREDENTIAL)
    assert len(reason.encode()) <= 123
    for advice in ("?access_token=", "POST /api/v1/tokens", "appgen up --no-auth"):
        assert advice in reason
        assert advice in error["error"]
    # What a client that shows only `message.error` (the earlier generator's) shows.
    assert error["type"] == "error"
    assert error["data"]["stage"] == "error"


async def test_generate_stream_checks_the_earlier_bounds_and_starts_a_generation(
    nats_settings: NatsSettings, database_url: str
) -> None:
    key = await create_key(database_url)
    async with (
        gateway(nats_settings, database_url) as url,
        httpx.AsyncClient(base_url=url, timeout=WAIT_S, headers=bearer(key)) as http,
    ):
        for prompt, says in (
            ("too short", "at least 10 characters"),
            ("x" * 5001, "at most 5000 characters"),
            ("x" * 4001, "at most 4000 characters"),
        ):
            refused = await http.post("/api/v1/generate-stream", json={"prompt": prompt})
            assert refused.status_code == 422, prompt[:20]
            assert refused.headers["content-type"] == "application/problem+json"
            assert says in json.dumps(refused.json()["errors"]), refused.json()
        assert (await http.post("/api/v1/generate-stream", json={})).status_code == 422

        body = {"prompt": PROMPT, "user_id": "demo-user", "template_id": None, "fast_mode": None}
        accepted = await http.post("/api/v1/generate-stream", json=body)
        assert accepted.status_code == 200, accepted.text
        answer = accepted.json()
        assert set(answer) == {"project_id", "websocket_url", "message"}
        project_id = answer["project_id"]
        assert str(uuid.UUID(project_id)) == project_id  # the earlier form: hyphenated
        assert answer["websocket_url"] == ws(url, f"/api/v1/ws/generate/{project_id}")
        state = await http.get(f"/status/{project_id}")
        assert state.status_code == 200
        assert state.json()["project_id"] == project_id

        anonymous = await http.post(
            "/api/v1/generate-stream", json={"prompt": PROMPT}, headers={"Authorization": ""}
        )
        assert anonymous.status_code == 401


async def wait_for_status(
    http: httpx.AsyncClient, project_id: str, connections: int
) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    while True:
        answer: dict[str, Any] = (await http.get(f"/api/v1/stream-status/{project_id}")).json()
        if answer["active_connections"] == connections:
            return answer
        assert time.monotonic() < deadline, answer
        await asyncio.sleep(0.05)


async def test_stream_status_counts_the_sockets_that_follow_a_project(
    nats_settings: NatsSettings, database_url: str
) -> None:
    key = await create_key(database_url)
    async with (
        gateway(nats_settings, database_url) as url,
        httpx.AsyncClient(base_url=url, timeout=WAIT_S, headers=bearer(key)) as http,
    ):
        project_id = (await http.post("/api/v1/generate-stream", json={"prompt": PROMPT})).json()[
            "project_id"
        ]
        idle = await wait_for_status(http, project_id, 0)
        assert idle == {"project_id": project_id, "active_connections": 0, "status": "inactive"}

        path = f"/api/v1/ws/generate/{project_id}"
        async with (
            websockets.connect(ws(url, path), additional_headers=bearer(key)) as one,
            websockets.connect(ws(url, path), additional_headers=bearer(key)) as two,
        ):
            # The earlier client sends start after the POST: the same prompt starts nothing new.
            await one.send(json.dumps({"action": "start", "prompt": PROMPT, "user_id": "u"}))
            async with asyncio.timeout(WAIT_S):
                while (message := json.loads(await one.recv()))["type"] != "accepted":
                    pass
            assert message["created"] is False
            await asyncio.wait_for(two.recv(), WAIT_S)
            active = await wait_for_status(http, project_id, 2)
            assert active["status"] == "active"
        assert (await wait_for_status(http, project_id, 0))["status"] == "inactive"

        unknown = await http.get(f"/api/v1/stream-status/{uuid.uuid4()}")
        assert unknown.status_code == 404
        assert unknown.headers["content-type"] == "application/problem+json"


async def test_a_resumed_socket_still_gets_every_screen_added(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> None:
    key = await create_key(database_url)
    history = sample_history(screens=3, images=1, owner=key_id_of(key))
    project_id = history[0].project_id
    second = next(i for i, e in enumerate(history) if isinstance(e, ScreenAdded) and e.index == 1)
    store = await EventStore.open(database_url)
    async with gateway(nats_settings, database_url) as url:
        positions = await publish(bus, history)
        try:
            await stored(store, project_id, len(history))
        finally:
            await store.close()
        path = f"/api/v1/ws/generate/{project_id}?since={positions[second]}"
        async with websockets.connect(ws(url, path), additional_headers=bearer(key)) as socket:
            first = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
    assert first["position"] == positions[second + 1]
    assert first["data"]["screens_added"][:2] == ["Screen 0", "Screen 1"]
    assert first["data"]["preview_url"].startswith(f"{url}/preview/{project_id}.")
    assert first["data"]["progress"] >= 45
