"""Keys, tokens, ownership, previews by link, shared limits and headers, against real servers.

Two gateway processes' worth of gateways (two `serve_gateway` instances) share one NATS and one
PostgreSQL, as several processes behind a load balancer would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from appgen.events import EventBus, NatsSettings, ProjectCompleted, ScreenAdded, new_project_id
from appgen.events.transport.bus import EventTooLarge
from appgen.gateway import Settings
from appgen.gateway.app import create_app
from appgen.gateway.auth import InsecureSettings
from appgen.gateway.testing import bearer, gateway_signer, serve_gateway
from appgen.gateway.tokens import Signer
from appgen.store import EventStore, KeyStore
from appgen.store.keys import key_id_of
from appgen.store.samples import sample_history
from tests.running import publish, recorder, stored

pytestmark = pytest.mark.integration

WAIT_S = 30.0
HOOKS = "tests.integration.schemathesis_hooks"


@dataclass
class Site:
    """Two gateways on the same servers, two keys, and the store."""

    urls: tuple[str, str]
    bus: EventBus
    store: EventStore
    keys: KeyStore
    key_a: str
    key_b: str
    signer: Signer

    def id_of(self, key: str) -> str:
        key_id = key_id_of(key)
        assert key_id is not None
        return key_id

    def ws(self, index: int, path: str) -> str:
        return "ws" + self.urls[index].removeprefix("http") + path


def limited(nats_url: str, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "nats_url": nats_url,
        "database_url": database_url,
        "gateway_port": 0,
        "heartbeat_s": 5,
        "ws_start_timeout_s": 1,
        "max_generations_per_hour": 3,
        "max_concurrent_generations": 2,
        "max_ws_per_key": 2,
        "max_ws_total": 3,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def site(
    bus: EventBus, nats_settings: NatsSettings, database_url: str, tmp_path: Path
) -> AsyncIterator[Site]:
    store = await EventStore.open(database_url)
    keys = KeyStore(store.engine)
    key_a = (await keys.create("alice")).key
    key_b = (await keys.create("bob")).key
    local = tmp_path / "local-key"
    local.write_text(key_a + "\n")
    settings = limited(nats_settings.nats_url, database_url, local_key_file=local)
    try:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(recorder(nats_settings, database_url))
            first = await stack.enter_async_context(serve_gateway(settings))
            second = await stack.enter_async_context(serve_gateway(settings))
            signer = await gateway_signer(store)
            yield Site((first, second), bus, store, keys, key_a, key_b, signer)
    finally:
        await store.close()


def client(url: str, key: str | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, timeout=WAIT_S, headers=bearer(key) if key else None)


async def drain(socket: Any) -> None:
    """Read until the server closes the socket (which raises ConnectionClosed)."""
    async with asyncio.timeout(WAIT_S):
        while True:
            await socket.recv()


async def close_of(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """Connect, read until the server closes, and return its close code and reason."""
    async with websockets.connect(url, additional_headers=headers) as socket:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await drain(socket)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def first_message(url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    async with websockets.connect(url, additional_headers=headers) as socket:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
        return message


async def sse_status(http: httpx.AsyncClient, path: str, **kwargs: Any) -> int:
    async with http.stream("GET", path, **kwargs) as response:
        return response.status_code


async def owned_project(site: Site, key: str) -> str:
    history = sample_history(owner=site.id_of(key), images=0)
    await publish(site.bus, history)
    project_id = history[0].project_id
    await stored(site.store, project_id, len(history))
    return project_id


async def test_key_life_cycle_over_rest_websocket_and_sse(site: Site) -> None:
    made = await site.keys.create("temporary")
    project_id = await owned_project(site, made.key)
    events = f"/api/v1/projects/{project_id}/events"
    stream = f"/api/v1/projects/{project_id}/stream"
    socket = site.ws(0, f"/api/v1/ws/generate/{project_id}")
    async with client(site.urls[0]) as anonymous, client(site.urls[0], made.key) as http:
        assert (await http.get(events)).status_code == 200
        assert (await site.keys.get(made.info.key_id)).last_used_at is not None  # type: ignore[union-attr]
        assert (await first_message(socket, bearer(made.key)))["event_type"] == "ProjectRequested"
        assert await sse_status(http, stream) == 200

        # No key, an unknown key, a malformed header, a key in the URL: 401 with a reason.
        forged = f"appgen_{'0' * 12}_{'A' * 43}"
        for headers, params in (
            ({}, {}),
            (bearer(forged), {}),
            ({"Authorization": "Basic abc"}, {}),
            ({}, {"access_token": made.key}),
        ):
            response = await anonymous.get(events, headers=headers, params=params)
            assert response.status_code == 401, (headers, params)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert response.json()["detail"]
        assert await sse_status(anonymous, stream) == 401
        code, reason = await close_of(socket)
        assert (code, reason.split(":")[0]) == (1008, "unauthorized")

        # A token works where a header cannot go: SSE and WebSocket URLs.
        token = (await http.post("/api/v1/tokens")).json()
        assert token["key_id"] == made.info.key_id
        with_token = {"access_token": token["token"]}
        assert (await anonymous.get(events, params=with_token)).status_code == 200
        assert await sse_status(anonymous, stream, params=with_token) == 200
        assert (await anonymous.get(events, headers=bearer(token["token"]))).status_code == 200
        message = await first_message(f"{socket}?access_token={token['token']}")
        assert message["event_type"] == "ProjectRequested"
        tampered = token["token"][:-2] + ("AA" if not token["token"].endswith("AA") else "BB")
        assert (await anonymous.get(events, params={"access_token": tampered})).status_code == 401
        expired, _ = site.signer.token(made.info.key_id, 10, now=time.time() - 60)
        assert (await anonymous.get(events, params={"access_token": expired})).status_code == 401

        # Revoked: the key and every token made from it stop at once, on every channel.
        await site.keys.revoke(made.info.key_id)
        assert (await http.get(events)).status_code == 401
        assert (await anonymous.get(events, params=with_token)).status_code == 401
        assert await sse_status(http, stream) == 401
        assert (await close_of(socket, bearer(made.key)))[0] == 1008
        assert (await close_of(f"{socket}?access_token={token['token']}"))[0] == 1008
    listed = {key.key_id: key for key in await site.keys.list()}
    assert listed[made.info.key_id].revoked


async def test_another_key_gets_404_for_every_project_endpoint(site: Site) -> None:
    project_id = await owned_project(site, site.key_a)
    async with client(site.urls[0], site.key_a) as alice, client(site.urls[1], site.key_b) as bob:
        schema = (await alice.get("/openapi.json")).json()
        scoped = [
            (method.upper(), path)
            for path, operations in schema["paths"].items()
            if "{project_id}" in path
            for method in operations
        ]
        assert len(scoped) >= 7, scoped
        for method, template in scoped:
            path = template.replace("{project_id}", project_id)
            if path.endswith("/stream"):
                assert await sse_status(alice, path) == 200
                assert await sse_status(bob, path) == 404
                continue
            body: dict[str, Any] | None = {} if method == "POST" else None
            own = await alice.request(method, path, json=body)
            assert own.status_code != 404, (method, path, own.text)
            other = await bob.request(method, path, json=body)
            assert other.status_code == 404, (method, path, other.text)
            assert other.json()["detail"] == f"No project {project_id}."
        preview = (await alice.get(f"/api/v1/projects/{project_id}")).json()["preview_url"]
        assert (await bob.get(preview)).status_code == 200  # the link is the permission
        assert (await bob.get("/api/v1/projects")).json()["total"] == 0
        mine = (await alice.get("/api/v1/projects")).json()["items"]
        assert project_id in {item["project_id"] for item in mine}
        # Bob cannot take over the id either; the socket treats it as unknown.
        taken = await bob.post(
            "/api/v1/projects", json={"prompt": "mine now", "project_id": project_id}
        )
        assert taken.status_code == 409
        code, reason = await close_of(
            site.ws(1, f"/api/v1/ws/generate/{project_id}"), bearer(site.key_b)
        )
        assert (code, reason.split()[0]) == (1008, "unknown")


async def test_previews_open_by_signed_link_only(site: Site) -> None:
    project_id = await owned_project(site, site.key_a)
    link = site.signer.preview_path(project_id)
    async with client(site.urls[0]) as phone:
        page = await phone.get(link)
        assert page.status_code == 200
        csp = page.headers["content-security-policy"]
        assert f"connect-src {site.urls[0]}{link};" in csp
        assert "frame-src 'none'" in csp
        assert "script-src 'self';" in csp
        assert f"{link}__live.js" in page.text
        for forged in (
            f"/preview/{project_id}/",
            f"/preview/{project_id}.{'A' * 22}/",
            f"/preview/{site.signer.preview_token(new_project_id())[:-1]}x/",
        ):
            assert (await phone.get(forged)).status_code == 404, forged
        # The link's event feed says "reload" and nothing else.
        async with phone.stream("GET", f"{link}__events", params={"since": 0}) as signals:
            lines = signals.aiter_lines()
            data = ""
            async with asyncio.timeout(WAIT_S):
                while not data:
                    line = await anext(lines)
                    data = line.removeprefix("data: ") if line.startswith("data: ") else ""
        assert set(json.loads(data)) == {"reload", "done"}
        # Nothing else of the project opens with the link's token.
        token = site.signer.preview_token(project_id)
        for path in (f"/api/v1/projects/{project_id}", f"/api/v1/projects/{project_id}/events"):
            assert (await phone.get(path, params={"access_token": token})).status_code == 401


async def test_generation_limits_hold_across_two_gateways(site: Site) -> None:
    body = {"prompt": "A plant watering tracker"}
    async with client(site.urls[0], site.key_a) as one, client(site.urls[1], site.key_a) as two:
        first = await one.post("/api/v1/projects", json=body)
        second = await two.post("/api/v1/projects", json=body)
        assert (first.status_code, second.status_code) == (202, 202)
        refused = await one.post("/api/v1/projects", json=body)
        assert refused.status_code == 429
        assert refused.json()["type"] == "urn:appgen:limit:concurrent_generations"
        assert "concurrent_generations" in refused.json()["detail"]
        assert int(refused.headers["retry-after"]) >= 1
        # A retry of an admitted project is not a new generation.
        again = await two.post(
            "/api/v1/projects", json={**body, "project_id": first.json()["project_id"]}
        )
        assert again.status_code == 200

        # One finishes: a third may start, and then the hourly limit (3) says no.
        done = first.json()["project_id"]
        await publish(site.bus, [ProjectCompleted(project_id=done)])
        await stored(site.store, done, 2)
        assert (await two.post("/api/v1/projects", json=body)).status_code == 202
        hourly = await one.post("/api/v1/projects", json=body)
        assert hourly.status_code == 429
        assert hourly.json()["type"] == "urn:appgen:limit:generations_per_hour"
        assert 1 <= int(hourly.headers["retry-after"]) <= 3601
        # The WebSocket start obeys the same limits, with 1013.
        code, reason = await close_of_after_start(site, site.key_a)
        assert (code, reason.split(":")[0]) == (1013, "generations_per_hour")

    async with client(site.urls[1], site.key_b) as bob:
        # Limits are per key: Bob is untouched by Alice's.
        assert (await bob.post("/api/v1/projects", json=body)).status_code == 202


async def test_forks_and_resumes_count_against_the_same_limits(site: Site) -> None:
    body = {"prompt": "A plant watering tracker"}
    async with client(site.urls[0], site.key_a) as one, client(site.urls[1], site.key_a) as two:
        first = (await one.post("/api/v1/projects", json=body)).json()["project_id"]
        second = (await two.post("/api/v1/projects", json=body)).json()["project_id"]
        await stored(site.store, first, 1)
        # Two running: a fork is a third concurrent generation.
        refused = await two.post(f"/api/v1/projects/{first}/fork")
        assert refused.status_code == 429
        assert refused.json()["type"] == "urn:appgen:limit:concurrent_generations"
        assert int(refused.headers["retry-after"]) >= 1

        await publish(site.bus, [ProjectCompleted(project_id=first)])
        await stored(site.store, first, 2)
        forked = await one.post(f"/api/v1/projects/{first}/fork")
        assert forked.status_code == 202
        # A retry of the same fork is not another start.
        fork_id = forked.json()["project_id"]
        again = await two.post(f"/api/v1/projects/{first}/fork", json={"project_id": fork_id})
        assert again.status_code == 200

        # Three starts in the hour: resuming the stuck second project would be a fourth. Its
        # own run does not count as a concurrent one against itself.
        hourly = await two.post(f"/api/v1/projects/{second}/resume")
        assert hourly.status_code == 429
        assert hourly.json()["type"] == "urn:appgen:limit:generations_per_hour"

    async with client(site.urls[0], site.key_b) as bob:
        # Bob's limits are his own; he may resume his own stuck project (his second start).
        mine = (await bob.post("/api/v1/projects", json=body)).json()["project_id"]
        await stored(site.store, mine, 1)
        resumed = await bob.post(f"/api/v1/projects/{mine}/resume")
        assert resumed.status_code == 202, resumed.text
        assert resumed.json()["redo"] == ["analyzing"]


async def close_of_after_start(site: Site, key: str) -> tuple[int, str]:
    url = site.ws(1, f"/api/v1/ws/generate/{new_project_id()}")
    async with websockets.connect(url, additional_headers=bearer(key)) as socket:
        await socket.send(json.dumps({"action": "start", "prompt": "A habit tracker"}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await drain(socket)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def test_websocket_limits_hold_across_two_gateways(site: Site) -> None:
    alice_project = await owned_project(site, site.key_a)
    bob_project = await owned_project(site, site.key_b)
    alice, bob = bearer(site.key_a), bearer(site.key_b)
    a_path = f"/api/v1/ws/generate/{alice_project}"
    b_path = f"/api/v1/ws/generate/{bob_project}"
    opened = [
        await websockets.connect(site.ws(0, a_path), additional_headers=alice),
        await websockets.connect(site.ws(1, a_path), additional_headers=alice),
    ]
    try:
        for socket in opened:
            await asyncio.wait_for(socket.recv(), WAIT_S)
        code, reason = await close_of(site.ws(0, a_path), alice)
        assert (code, reason.split(":")[0]) == (1013, "websockets_per_key")
        opened.append(await websockets.connect(site.ws(0, b_path), additional_headers=bob))
        await asyncio.wait_for(opened[-1].recv(), WAIT_S)
        code, reason = await close_of(site.ws(1, b_path), bob)
        assert (code, reason.split(":")[0]) == (1013, "websockets_total")
        # A closed socket frees its place for every gateway (written down by the gateway that
        # held it a moment after the close: until then, a refusal comes first).
        await opened.pop(0).close()
        deadline = time.monotonic() + WAIT_S
        while True:
            with contextlib.suppress(websockets.ConnectionClosed):
                message = await first_message(site.ws(1, b_path), bob)
                if message.get("type") != "error":
                    break
                assert message["code"] == 1013, message
            assert time.monotonic() < deadline, "the freed place never came back"
            await asyncio.sleep(0.05)
        assert message["project_id"] == bob_project
    finally:
        for socket in opened:
            await socket.close()


async def test_the_page_gets_a_token_only_as_a_same_origin_fetch(site: Site) -> None:
    page_fetch = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "empty"}
    async with client(site.urls[0]) as browser:
        for headers in (
            {},
            {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "script"},
            {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "empty"},
        ):
            refused = await browser.get("/api/v1/session", headers=headers)
            assert refused.status_code == 403, headers
        session = await browser.get("/api/v1/session", headers=page_fetch)
        assert session.status_code == 200
        assert session.json()["key_id"] == site.id_of(site.key_a)
        listing = await browser.get("/api/v1/projects", headers=bearer(session.json()["token"]))
        assert listing.status_code == 200


async def test_security_headers_on_the_api_the_page_and_static_files(site: Site) -> None:
    async with client(site.urls[0], site.key_a) as http:
        api = await http.get("/api/v1/projects")
        page = await http.get("/")
        script = await http.get("/static/live.js")
    for response in (api, page, script):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    for response in (page, script):
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "script-src 'self';" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cross-origin-opener-policy"] == "same-origin"


def test_no_keys_beyond_loopback_is_refused_unless_asked_for() -> None:
    with pytest.raises(InsecureSettings, match=r"refusing to serve 0\.0\.0\.0"):
        create_app(Settings(auth="off", gateway_host="0.0.0.0"))
    create_app(Settings(auth="off", gateway_host="0.0.0.0", allow_public_without_auth=True))
    create_app(Settings(auth="off", gateway_host="127.0.0.1"))
    create_app(Settings(auth="keys", gateway_host="0.0.0.0"))


async def test_no_endpoint_answers_without_a_key(site: Site) -> None:
    """Every documented operation outside the public set is a 401 without a key."""
    project_id = await owned_project(site, site.key_a)
    async with client(site.urls[0]) as anonymous:
        schema = (await anonymous.get("/openapi.json")).json()
        for template, operations in schema["paths"].items():
            if template.startswith(("/preview/", "/healthz", "/readyz", "/api/v1/session")):
                continue
            path = template.replace("{project_id}", project_id)
            for method in operations:
                if path.endswith("/stream"):
                    assert await sse_status(anonymous, path) == 401
                    continue
                body: dict[str, Any] | None = {} if method == "post" else None
                response = await anonymous.request(method.upper(), path, json=body)
                assert response.status_code == 401, (method, path, response.status_code)


@pytest.mark.parametrize("with_key", [True, False], ids=["with-key", "without-key"])
async def test_schemathesis_finds_no_server_error_and_nothing_open_without_a_key(
    site: Site, tmp_path: Path, with_key: bool
) -> None:
    project_id = await owned_project(site, site.key_a)
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{site.urls[0]}/openapi.json",
        "--checks",
        "not_a_server_error" + ("" if with_key else ",reachable_without_auth"),
        "--max-examples",
        "6",
        "--phases",
        "examples,coverage,fuzzing",
        "--request-timeout",
        "10",
        "--generation-deterministic",
        "--exclude-path",
        "/api/v1/projects/{project_id}/stream",
        "--exclude-path-regex",
        "__events$",
    ]
    if with_key:
        command += ["--header", f"Authorization: Bearer {site.key_a}"]
        # No native service runs here, so starting Expo Go is rightly a 503 ("no native service
        # is running"); tests/expo/test_native_stage.py covers its 202, 404 and 429.
        command += ["--exclude-path", "/api/v1/projects/{project_id}/native-preview"]
    env = {"SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": str(Path(__file__).parents[2])}
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=tmp_path,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=300)
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-6000:]
    assert project_id  # the fuzzer's ids are random; a real project exists alongside


async def test_an_event_over_the_size_limit_never_reaches_nats(bus: EventBus) -> None:
    project_id = new_project_id()
    big = ScreenAdded(
        project_id=project_id,
        route="s",
        title="x" * bus.settings.max_event_bytes,
        index=0,
        total=1,
    )
    with pytest.raises(EventTooLarge, match="byte limit"):
        await bus.publish(big)
    assert await bus.log.latest(project_id, ScreenAdded) is None
