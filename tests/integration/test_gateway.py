"""The gateway against real NATS, real PostgreSQL and the real recorder.

Pipeline events are published by the test (built from the real catalog), so each test controls
exactly what happens when; the recorder copies them into the store as it does in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import socket
import sys
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from appgen.events import (
    Event,
    EventBus,
    NatsSettings,
    ProjectRequested,
    ScreenAdded,
    new_project_id,
)
from appgen.events.catalog.subjects import project_filter
from appgen.events.read.projection import file_tree
from appgen.events.transport.blobs import BlobStore
from appgen.gateway import Settings
from appgen.gateway.testing import bearer, create_key, gateway_signer, serve_gateway
from appgen.gateway.tokens import Signer
from appgen.store import EventStore
from appgen.store.keys import key_id_of
from appgen.store.samples import sample_history
from tests.running import publish, recorder, stored

pytestmark = pytest.mark.integration

WAIT_S = 30.0


@dataclass
class Gateway:
    url: str
    bus: EventBus
    store: EventStore
    http: httpx.AsyncClient
    key: str
    signer: Signer

    @property
    def ws_url(self) -> str:
        return "ws" + self.url.removeprefix("http")

    @property
    def key_id(self) -> str:
        key_id = key_id_of(self.key)
        assert key_id is not None
        return key_id

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.key)

    def preview(self, project_id: str) -> str:
        """The project's signed preview path, `/preview/<token>/`."""
        return self.signer.preview_path(project_id)

    def history(self, project_id: str | None = None, **options: Any) -> list[Event]:
        """A sample history owned by this gateway's key."""
        return sample_history(project_id, owner=self.key_id, **options)


@contextlib.asynccontextmanager
async def running_gateway(
    bus: EventBus, nats_settings: NatsSettings, database_url: str, *, heartbeat_s: float
) -> AsyncIterator[Gateway]:
    settings = Settings(
        nats_url=nats_settings.nats_url,
        database_url=database_url,
        gateway_port=0,
        ws_buffer=64,
        heartbeat_s=heartbeat_s,
    )
    store = await EventStore.open(database_url)
    key = await create_key(database_url)
    try:
        async with (
            recorder(nats_settings, database_url),
            serve_gateway(settings) as url,
            httpx.AsyncClient(base_url=url, timeout=30, headers=bearer(key)) as http,
        ):
            signer = await gateway_signer(store)
            yield Gateway(url, bus, store, http, key, signer)
    finally:
        await store.close()


@pytest.fixture
async def gateway(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> AsyncIterator[Gateway]:
    async with running_gateway(bus, nats_settings, database_url, heartbeat_s=5) as running:
        yield running


@pytest.fixture
async def unpinged_gateway(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> AsyncIterator[Gateway]:
    """A gateway whose keepalive cannot close a silent client within a test: what closes one is
    then the gateway's own judgement (a slow client's backlog), however long a busy machine
    takes to fill it."""
    async with running_gateway(bus, nats_settings, database_url, heartbeat_s=600) as running:
        yield running


def pairs(messages: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(m["position"], m["event_id"]) for m in messages]


async def receive_events(socket: Any, count: int) -> list[dict[str, Any]]:
    """The next `count` event messages (pings and acknowledgements skipped)."""
    received: list[dict[str, Any]] = []
    async with asyncio.timeout(WAIT_S):
        while len(received) < count:
            message = json.loads(await socket.recv())
            if "position" in message and "event_id" in message:
                received.append(message)
    return received


async def test_late_client_gets_the_whole_history(gateway: Gateway) -> None:
    history = gateway.history()
    project_id = history[0].project_id
    await publish(gateway.bus, history)
    expected = await stored(gateway.store, project_id, len(history))

    async with websockets.connect(
        f"{gateway.ws_url}/api/v1/ws/generate/{project_id}", additional_headers=gateway.auth
    ) as socket:
        messages = await receive_events(socket, len(history))

    assert pairs(messages) == expected
    assert messages[0]["type"] == "progress"
    assert messages[0]["event_type"] == "ProjectRequested"
    assert messages[-1]["type"] == "complete"
    assert messages[-1]["data"]["preview_url"] == f"{gateway.url}{gateway.preview(project_id)}"
    screens = [m for m in messages if m["event_type"] == "ScreenAdded"]
    added = [len(m["data"]["screens_added"]) for m in screens]
    assert added == list(range(1, len(screens) + 1))
    assert screens[0]["data"]["message"].startswith("Added screen ")


async def test_reconnect_with_since_misses_nothing_and_repeats_nothing(gateway: Gateway) -> None:
    history = gateway.history(screens=6, images=4)
    project_id = history[0].project_id
    first, rest = history[:5], history[5:]
    await publish(gateway.bus, first)

    url = f"{gateway.ws_url}/api/v1/ws/generate/{project_id}"
    received: list[dict[str, Any]] = []
    async with websockets.connect(url, additional_headers=gateway.auth) as socket:
        received += await receive_events(socket, len(first))
        # Live events arrive while this client is connected; it drops after two of them.
        await publish(gateway.bus, rest[:3])
        received += await receive_events(socket, 2)
    # The rest happens while it is away, and during its reconnect.
    publisher = asyncio.create_task(publish(gateway.bus, rest[3:]))
    async with websockets.connect(
        f"{url}?since={received[-1]['position']}", additional_headers=gateway.auth
    ) as socket:
        received += await receive_events(socket, len(history) - len(received))
    await publisher

    assert pairs(received) == await stored(gateway.store, project_id, len(history))


async def test_live_client_sees_events_before_the_recorder_stores_them(
    gateway: Gateway, nats_settings: NatsSettings, database_url: str
) -> None:
    """The seam: history from the store, the tail from the stream, then live; in order, once."""
    history = gateway.history()
    project_id = history[0].project_id
    url = f"{gateway.ws_url}/api/v1/ws/generate/{project_id}"
    await publish(gateway.bus, history[:1])
    await stored(gateway.store, project_id, 1)
    async with websockets.connect(url, additional_headers=gateway.auth) as socket:
        await receive_events(socket, 1)
        # Connect many clients while events keep landing: each must see every event once.
        publisher = asyncio.create_task(publish(gateway.bus, history[1:]))
        sockets = [
            await websockets.connect(url, additional_headers=gateway.auth) for _ in range(10)
        ]
        try:
            results = await asyncio.gather(*(receive_events(s, len(history)) for s in sockets))
        finally:
            for other in sockets:
                await other.close()
        await publisher
    expected = await stored(gateway.store, project_id, len(history))
    for result in results:
        assert pairs(result) == expected


async def test_two_starts_and_two_posts_with_one_key_start_one_generation(
    gateway: Gateway,
) -> None:
    project_id = new_project_id()
    url = f"{gateway.ws_url}/api/v1/ws/generate/{project_id}"
    start = json.dumps({"action": "start", "prompt": "A plant watering tracker"})
    async with websockets.connect(url, additional_headers=gateway.auth) as socket:
        await socket.send(start)
        await socket.send(start)
        acks: list[bool] = []
        events: list[str] = []
        # The request's event may arrive before the second acknowledgement, or after it.
        async with asyncio.timeout(WAIT_S):
            while len(acks) < 2 or not events:
                message = json.loads(await socket.recv())
                if message["type"] == "accepted":
                    acks.append(message["created"])
                elif "event_id" in message:
                    events.append(message["event_type"])
        assert acks == [True, False]
        assert events[0] == "ProjectRequested"

    body = {"prompt": "A recipe box with shopping lists"}
    headers = {"Idempotency-Key": "key-123"}
    one, two = await asyncio.gather(
        gateway.http.post("/api/v1/projects", json=body, headers=headers),
        gateway.http.post("/api/v1/projects", json=body, headers=headers),
    )
    three = await gateway.http.post("/api/v1/projects", json=body, headers=headers)
    assert {one.status_code, two.status_code} <= {200, 202}
    assert three.status_code == 200
    assert one.json()["project_id"] == two.json()["project_id"] == three.json()["project_id"]
    assert three.json()["created"] is False
    keyed = one.json()["project_id"]
    conflict = await gateway.http.post(
        "/api/v1/projects", json={"prompt": "Something else"}, headers=headers
    )
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"

    for pid in (project_id, keyed):
        requests = await requests_in_stream(gateway.bus, pid)
        assert requests == 1, pid
        stored_events = await stored(gateway.store, pid, 1)
        assert len(stored_events) == 1


async def requests_in_stream(bus: EventBus, project_id: str) -> int:
    """How many ProjectRequested messages the stream holds for the project."""
    sub = await bus.js.subscribe(project_filter(project_id), ordered_consumer=True)
    count = 0
    try:
        while True:
            try:
                msg = await sub.next_msg(timeout=0.5)
            except TimeoutError:
                return count
            if msg.subject.endswith(ProjectRequested.__name__):
                count += 1
    finally:
        await sub.unsubscribe()


async def sse_events(
    gw: Gateway, project_id: str, count: int, headers: dict[str, str] | None = None
) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    event_id = ""
    async with (
        asyncio.timeout(WAIT_S),
        gw.http.stream("GET", f"/api/v1/projects/{project_id}/stream", headers=headers) as response,
    ):
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("id:"):
                event_id = line[3:].strip()
            elif line.startswith("data:"):
                events.append((event_id, json.loads(line[5:].strip())))
                if len(events) == count:
                    break
    return events


async def test_sse_resumes_with_last_event_id(gateway: Gateway) -> None:
    history = gateway.history()
    project_id = history[0].project_id
    await publish(gateway.bus, history[:6])
    first = await sse_events(gateway, project_id, 4)
    assert [int(i) for i, _ in first] == [m["position"] for _, m in first]

    await publish(gateway.bus, history[6:])
    rest = await sse_events(
        gateway, project_id, len(history) - 4, headers={"Last-Event-ID": first[-1][0]}
    )
    received = [m for _, m in first + rest]
    assert pairs(received) == await stored(gateway.store, project_id, len(history))

    bad = await gateway.http.get(
        f"/api/v1/projects/{project_id}/stream", headers={"Last-Event-ID": "abc"}
    )
    assert bad.status_code == 400


async def test_preview_now_and_earlier_differ_as_the_history_says(gateway: Gateway) -> None:
    history = gateway.history(screens=3)
    project_id = history[0].project_id
    positions = await publish(gateway.bus, history)
    await stored(gateway.store, project_id, len(history))
    first_screen = next(i for i, e in enumerate(history) if isinstance(e, ScreenAdded))
    before = positions[first_screen - 1]
    screen = history[first_screen]
    assert isinstance(screen, ScreenAdded)
    path = screen.files[0].path

    # What the history says each position holds.
    tree_now = file_tree(zip(positions, history, strict=True))
    tree_then = file_tree(zip(positions[: first_screen + 1], history, strict=False))
    assert tree_now[path].text != tree_then[path].text

    now = await gateway.http.get(f"{gateway.preview(project_id)}{path}")
    assert now.status_code == 200
    assert now.headers["content-type"].startswith("text/html")
    assert now.text.startswith(tree_now[path].text or "")
    assert "default-src 'self'" in now.headers["content-security-policy"]
    cached = await gateway.http.get(
        f"{gateway.preview(project_id)}{path}", headers={"If-None-Match": now.headers["etag"]}
    )
    assert cached.status_code == 304
    latest = await gateway.http.get(f"{gateway.preview(project_id)}@{positions[-1]}/{path}")
    assert latest.text == tree_now[path].text
    assert latest.headers["etag"] == f'"{tree_now[path].sha256}"'
    then = await gateway.http.get(f"{gateway.preview(project_id)}@{positions[first_screen]}/{path}")
    assert then.text == tree_then[path].text

    earlier = await gateway.http.get(f"{gateway.preview(project_id)}{path}", params={"at": before})
    assert earlier.status_code == 307
    assert earlier.headers["location"] == f"{gateway.preview(project_id)}@{before}/{path}"
    missing = await gateway.http.get(f"{gateway.preview(project_id)}@{before}/{path}")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"

    index = await gateway.http.get(f"{gateway.preview(project_id)}")
    assert index.status_code == 200
    assert f"{gateway.preview(project_id)}__live.js?since=" in index.text
    pinned = await gateway.http.get(f"{gateway.preview(project_id)}@{before}/")
    assert "__live.js" not in pinned.text
    live = await gateway.http.get(f"{gateway.preview(project_id)}__live.js")
    assert live.headers["content-type"].startswith("text/javascript")

    for bad in ("../../etc/passwd", "%2e%2e/secret", "nope.html", "@x/index.html"):
        response = await gateway.http.get(f"{gateway.preview(project_id)}{bad}")
        assert response.status_code == 404, bad

    files_now = (await gateway.http.get(f"/api/v1/projects/{project_id}/files")).json()
    files_before = (
        await gateway.http.get(f"/api/v1/projects/{project_id}/files", params={"at": before})
    ).json()
    assert path in {f["path"] for f in files_now["files"]}
    assert path not in {f["path"] for f in files_before["files"]}


async def test_export_zip_holds_the_files(gateway: Gateway) -> None:
    history = gateway.history(images=2)
    project_id = history[0].project_id
    blobs = await BlobStore.open(gateway.bus)
    # The images' bytes, as the images service stores them before publishing.
    image_bytes = {f"images/image-{i}.png": f"png {i}".encode() for i in range(2)}
    for data in image_bytes.values():
        await blobs.put(data)
    await publish(gateway.bus, history)
    await stored(gateway.store, project_id, len(history))
    tree = (await gateway.http.get(f"/api/v1/projects/{project_id}/files")).json()
    assert {f["path"] for f in tree["files"] if f["blob"]} == set(image_bytes)

    response = await gateway.http.get(
        f"/api/v1/projects/{project_id}/export", params={"format": "web"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = set(archive.namelist())
        assert names == {f"{project_id}/{f['path']}" for f in tree["files"]}
        for entry in tree["files"]:
            served = await gateway.http.get(entry["url"])
            assert served.status_code == 200
            assert served.headers["content-type"].startswith(entry["content_type"])
            assert archive.read(f"{project_id}/{entry['path']}") == served.content
        for path, data in image_bytes.items():
            assert archive.read(f"{project_id}/{path}") == data


async def test_rest_state_history_and_problems(gateway: Gateway) -> None:
    created = await gateway.http.post("/api/v1/projects", json={"prompt": "A habit tracker"})
    assert created.status_code == 202
    body = created.json()
    project_id = body["project_id"]
    assert body["websocket_url"].startswith("ws://")
    state = await gateway.http.get(f"/api/v1/projects/{project_id}")
    assert state.status_code == 200
    assert state.json()["stage"] == "queued"
    assert state.json()["prompt"] == "A habit tracker"
    legacy = await gateway.http.get(f"/status/{project_id}")
    assert legacy.json()["status"] == "running"

    history = gateway.history(project_id)[1:]
    await publish(gateway.bus, history)
    await stored(gateway.store, project_id, len(history) + 1)
    done = (await gateway.http.get(f"/api/v1/projects/{project_id}")).json()
    assert done["status"] == "complete"
    assert done["progress"] == 100
    assert done["preview_url"].endswith(f"{gateway.preview(project_id)}")

    page = (await gateway.http.get(f"/api/v1/projects/{project_id}/events?limit=5")).json()
    assert len(page["items"]) == 5
    rest = (
        await gateway.http.get(
            f"/api/v1/projects/{project_id}/events?since={page['next_since']}&limit=1000"
        )
    ).json()
    assert rest["next_since"] is None
    assert len(page["items"]) + len(rest["items"]) == len(history) + 1
    listing = (await gateway.http.get("/api/v1/projects")).json()
    assert listing["total"] == 1

    cases: list[tuple[str, str, Any, int]] = [
        ("POST", "/api/v1/projects", {"prompt": "hi"}, 422),
        ("POST", "/api/v1/projects", {"prompt": "x" * 4001}, 422),
        ("POST", "/api/v1/projects", {"prompt": "a todo\x00app"}, 422),
        ("POST", "/api/v1/projects", "not json", 415),
        ("GET", "/api/v1/projects/unknown-project", None, 404),
        ("GET", "/api/v1/projects/bad.id", None, 422),
        ("GET", f"/api/v1/projects/{project_id}/events?since=-1", None, 422),
        ("GET", f"/api/v1/projects/{project_id}/events?since=abc", None, 422),
        ("DELETE", "/api/v1/projects", None, 405),
        ("GET", "/no/such/route", None, 404),
        ("POST", "/api/v1/projects", {"prompt": "x" * 100_000}, 413),
    ]
    for method, path, payload, status in cases:
        if isinstance(payload, str):
            response = await gateway.http.request(
                method, path, content=payload, headers={"Content-Type": "text/plain"}
            )
        else:
            response = await gateway.http.request(method, path, json=payload)
        assert response.status_code == status, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == status

    home = await gateway.http.get("/")
    assert home.status_code == 200
    assert "Generate" in home.text
    assert (await gateway.http.get("/static/app.js")).status_code == 200
    ready = (await gateway.http.get("/readyz")).json()
    assert ready["checks"] == {"nats": "ok", "stream": "ok", "postgres": "ok"}
    assert ready["stream"]["messages"] >= 1
    assert ready["stream"]["max_bytes"] == -1
    assert ready["stream"]["fill"] is None
    qr = await gateway.http.get(f"/api/v1/projects/{project_id}/qr")
    assert qr.headers["content-type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<svg")
    png = await gateway.http.get(f"/api/v1/projects/{project_id}/qr", params={"format": "png"})
    assert png.content.startswith(b"\x89PNG")


async def refusal(socket: Any) -> tuple[dict[str, Any], int, str]:
    """The error message a refused socket gets, then the close code and reason that follow it."""
    error = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), WAIT_S)
    assert closed.value.rcvd is not None
    return error, closed.value.rcvd.code, closed.value.rcvd.reason


async def test_bad_socket_requests_close_with_a_reason(gateway: Gateway) -> None:
    history = gateway.history()
    project_id = history[0].project_id
    await publish(gateway.bus, history[:1])
    for path, reason in (
        ("bad.id", "invalid project id"),
        (f"{project_id}?since=abc", "invalid since"),
    ):
        async with websockets.connect(
            f"{gateway.ws_url}/api/v1/ws/generate/{path}", additional_headers=gateway.auth
        ) as socket:
            error, code, why = await refusal(socket)
        assert code == 1008
        assert why.startswith(reason)
        # Said first as a message too, for clients that never show a close reason.
        assert error["type"] == "error"
        assert error["error"].startswith(reason)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ('{"action": "start", "prompt": "hi"}', "bad message: prompt: "),
        ('{"action": "start", "prompt": "a\\u0007b c d"}', "bad message: prompt: "),
        ("start please", "bad message: not JSON"),
        ('{"action": "dance"}', "bad message: expected"),
    ],
)
async def test_a_bad_start_closes_with_a_readable_reason_and_creates_nothing(
    gateway: Gateway, message: str, reason: str
) -> None:
    project_id = new_project_id()
    url = f"{gateway.ws_url}/api/v1/ws/generate/{project_id}"
    async with websockets.connect(url, additional_headers=gateway.auth) as socket:
        await socket.send(message)
        error, code, why = await refusal(socket)
    assert code == 1008
    assert why.startswith(reason), why
    assert "https://" not in why
    assert error["type"] == "error"
    assert error["error"].startswith(why)
    missing = await gateway.http.get(f"/api/v1/projects/{project_id}")
    assert missing.status_code == 404


async def test_a_slow_client_is_dropped_without_slowing_others(
    unpinged_gateway: Gateway,
) -> None:
    """A client that never reads overflows its bounded buffer and is closed with 1013. It never
    answers a ping either; the keepalive must not be what closes it first on a busy machine."""
    gateway = unpinged_gateway
    project_id = new_project_id()
    head = gateway.history(project_id)[0]
    await publish(gateway.bus, [head])
    url = f"{gateway.ws_url}/api/v1/ws/generate/{project_id}"
    # The slow client is a raw socket that completes the handshake and then stops reading, with a
    # tiny receive buffer (no kernel autotuning), so its backlog has to stay in the gateway.
    host, port = gateway.url.removeprefix("http://").split(":")
    tiny = socket.socket()
    tiny.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    tiny.connect((host, int(port)))
    reader, writer = await asyncio.open_connection(sock=tiny, limit=2**16)
    writer.write(
        f"GET /api/v1/ws/generate/{project_id} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {gateway.key}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    fast = await websockets.connect(url, additional_headers=gateway.auth)
    try:
        await receive_events(fast, 1)
        screens = [
            ScreenAdded(
                project_id=project_id,
                route=f"s{i}",
                title=f"Screen {i} " + "x" * 10_000,
                index=i,
                total=2000,
            )
            for i in range(2000)
        ]
        # Published one after another, as a pipeline does; the fast client keeps up.
        receiver = asyncio.create_task(receive_events(fast, len(screens)))
        await publish(gateway.bus, list(screens))
        got = await receiver
        assert [m["event_id"] for m in got] == [str(s.event_id) for s in screens]
        # Now read what the gateway sent it: it ends with a close frame, code 1013 and a reason.
        received = b""
        async with asyncio.timeout(WAIT_S):
            while b"\x03\xf5client too slow" not in received:
                chunk = await reader.read(2**20)
                assert chunk, (
                    f"no 1013 close frame: {len(received)} bytes, ending {received[-80:]!r}"
                )
                received += chunk
    finally:
        writer.close()
        await fast.close()


async def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    gateway: Gateway, tmp_path: Path
) -> None:
    """Fuzz every documented operation, a few examples each, bounded in time."""
    history = gateway.history("example-project")
    await publish(gateway.bus, history)
    await stored(gateway.store, "example-project", len(history))
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{gateway.url}/openapi.json",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--max-examples",
        "8",
        "--phases",
        "examples,coverage,fuzzing",
        "--header",
        f"Authorization: Bearer {gateway.key}",
        "--request-timeout",
        "10",
        "--generation-deterministic",
        # An open event stream never ends: its 404 and 400 answers are tested above.
        "--exclude-path",
        "/api/v1/projects/{project_id}/stream",
        # No native service runs here, so starting Expo Go is rightly a 503 ("no native service
        # is running"); tests/expo/test_native_stage.py covers its 202, 404 and 429.
        "--exclude-path",
        "/api/v1/projects/{project_id}/native-preview",
    ]
    process = await asyncio.create_subprocess_exec(
        # Its working files go to the test's folder, not the checkout.
        *command,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=240)
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-6000:]
