"""A gateway served in the test with a key, and its three kinds of clients reading a project's
events to the end: WebSocket, Server-Sent Events and REST paging."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import websockets

from appgen.events import NatsSettings
from appgen.gateway import Settings
from appgen.gateway.testing import bearer, create_key, serve_gateway

WAIT_S = 30.0
Message = dict[str, Any]


@dataclass(frozen=True)
class Client:
    """A running gateway and a key for it."""

    url: str
    key: str
    http: httpx.AsyncClient

    @property
    def ws_url(self) -> str:
        return "ws" + self.url.removeprefix("http")


@asynccontextmanager
async def gateway_client(nats: NatsSettings, database_url: str) -> AsyncIterator[Client]:
    """A gateway on a free port (without a recorder: the test runs its own), and a key."""
    settings = Settings(
        nats_url=nats.nats_url, database_url=database_url, gateway_port=0, heartbeat_s=1
    )
    key = await create_key(database_url)
    async with (
        serve_gateway(settings) as url,
        httpx.AsyncClient(base_url=url, timeout=WAIT_S, headers=bearer(key)) as http,
    ):
        yield Client(url, key, http)


def is_event(message: Message) -> bool:
    return "position" in message and "event_id" in message


async def ws_events(
    client: Client, project_id: str, count: int, *, since: int = 0
) -> list[Message]:
    """The first `count` event messages a WebSocket from `since` receives."""
    url = f"{client.ws_url}/api/v1/ws/generate/{project_id}?since={since}"
    received: list[Message] = []
    async with (
        websockets.connect(url, additional_headers=bearer(client.key), max_size=2**24) as socket,
        asyncio.timeout(WAIT_S),
    ):
        while len(received) < count:
            message = json.loads(await socket.recv())
            if is_event(message):
                received.append(message)
    return received


async def sse_events(
    client: Client, project_id: str, count: int, *, since: int = 0
) -> list[Message]:
    """The first `count` event messages of the project's Server-Sent Events from `since`."""
    received: list[Message] = []
    path = f"/api/v1/projects/{project_id}/stream?since={since}"
    async with asyncio.timeout(WAIT_S), client.http.stream("GET", path) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                message = json.loads(line.removeprefix("data:").strip())
                if is_event(message):
                    received.append(message)
                    if len(received) == count:
                        break
    return received


async def rest_events(client: Client, project_id: str, *, limit: int = 100) -> list[Message]:
    """Every event of the project through REST, a page of `limit` at a time."""
    received: list[Message] = []
    since: int | None = 0
    while since is not None:
        response = await client.http.get(
            f"/api/v1/projects/{project_id}/events", params={"since": since, "limit": limit}
        )
        response.raise_for_status()
        page = response.json()
        received.extend(page["items"])
        since = page["next_since"]
    return received


def positions_and_ids(messages: list[Message]) -> list[tuple[int, str]]:
    return [(m["position"], m["event_id"]) for m in messages]
