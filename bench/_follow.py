"""A campaign's clients: one per generation, as a careful user's program would be.

Each one POSTs its prompt with an `Idempotency-Key` (retried until a gateway answers, so a lost
answer never starts a second generation), then follows the project on a WebSocket, reconnecting
with `?since=<last position>` whenever the socket closes, fails or falls silent, and records every
event message it receives. A history reader pages through `GET /events` of the projects in
flight, to catch a read that skips an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx
import websockets

from appgen.gateway.testing import bearer

ENDS = ("ProjectCompleted", "ProjectFailed")
# The gateway's heartbeat is set to 2 s: this long without any message is a stalled socket.
SILENCE_S = 8.0
RETRY_S = 0.25
Read = list[tuple[int, str]]


@dataclass
class Followed:
    """What one client saw of its generation."""

    prompt: str
    project_id: str | None = None
    # (position, event id, event type) in the order received, over every connection.
    events: list[tuple[int, str, str]] = field(default_factory=list)
    end: str | None = None
    posts: int = 0
    connects: int = 0
    silences: int = 0
    closes: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def last_position(self) -> int:
        return max((position for position, _, _ in self.events), default=0)


@dataclass
class Client:
    """Where the gateway is, and the key every client uses."""

    origin: str
    key: str

    @property
    def ws_origin(self) -> str:
        return "ws" + self.origin.removeprefix("http")

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.origin, headers=bearer(self.key), timeout=10.0)


async def follow(client: Client, followed: Followed, deadline: float) -> None:
    """POST the prompt, then read its project's events to ProjectCompleted or ProjectFailed (or
    until `deadline`, monotonic), reconnecting as often as it takes; all recorded in `followed`."""
    started = time.monotonic()
    async with client.http() as http:
        followed.project_id = await _post(http, followed.prompt, followed, deadline)
    while followed.project_id and followed.end is None and time.monotonic() < deadline:
        await _read_once(client, followed, deadline)
        if followed.end is None:
            await asyncio.sleep(RETRY_S)
    followed.seconds = time.monotonic() - started


async def _post(
    http: httpx.AsyncClient, prompt: str, followed: Followed, deadline: float
) -> str | None:
    idempotency = {"Idempotency-Key": uuid.uuid4().hex}
    while time.monotonic() < deadline:
        followed.posts += 1
        with contextlib.suppress(httpx.HTTPError):
            response = await http.post(
                "/api/v1/projects", json={"prompt": prompt}, headers=idempotency
            )
            if response.status_code in (200, 202):
                return str(response.json()["project_id"])
            followed.closes[f"POST {response.status_code}"] += 1
        await asyncio.sleep(RETRY_S)
    return None


async def _read_once(client: Client, followed: Followed, deadline: float) -> None:
    url = (
        f"{client.ws_origin}/api/v1/ws/generate/{followed.project_id}"
        f"?since={followed.last_position}"
    )
    try:
        async with websockets.connect(
            url,
            additional_headers=bearer(client.key),
            max_size=2**24,
            # No read-side flow control: see bench/latency.py.
            max_queue=None,
            open_timeout=5,
            close_timeout=1,
        ) as socket:
            followed.connects += 1
            while time.monotonic() < deadline:
                try:
                    raw = await asyncio.wait_for(socket.recv(), SILENCE_S)
                except TimeoutError:
                    followed.silences += 1
                    return
                message = json.loads(raw)
                if "position" not in message or "event_id" not in message:
                    continue
                kind = str(message["event_type"])
                followed.events.append((int(message["position"]), str(message["event_id"]), kind))
                if kind in ENDS:
                    followed.end = kind
                    return
    except websockets.ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd is not None else "no close frame"
        followed.closes[f"ws {code}"] += 1
    except (OSError, TimeoutError, websockets.InvalidHandshake) as error:
        followed.closes[f"ws {type(error).__name__}"] += 1


@dataclass
class HistoryReads:
    """Every complete read of a project's history through `GET /events` (paged), and how many
    reads failed part way (a gateway or database away)."""

    reads: list[tuple[str, Read]] = field(default_factory=list)
    failed: int = 0


async def read_histories(
    client: Client, projects: list[Followed], stop: asyncio.Event, *, page: int = 7
) -> HistoryReads:
    """Until `stop`: the whole history of each project still in flight, `page` events a request."""
    found = HistoryReads()
    async with client.http() as http:
        while not stop.is_set():
            active = [f.project_id for f in projects if f.project_id and f.end is None]
            for project_id in active:
                try:
                    found.reads.append((project_id, await _read_history(http, project_id, page)))
                except (httpx.HTTPError, ValueError, KeyError):
                    found.failed += 1
            await asyncio.sleep(0.2)
    return found


async def _read_history(http: httpx.AsyncClient, project_id: str, page: int) -> Read:
    read: Read = []
    since: int | None = 0
    while since is not None:
        response = await http.get(
            f"/api/v1/projects/{project_id}/events", params={"since": since, "limit": page}
        )
        response.raise_for_status()
        body = response.json()
        read.extend((int(m["position"]), str(m["event_id"])) for m in body["items"])
        since = body["next_since"]
    return read
