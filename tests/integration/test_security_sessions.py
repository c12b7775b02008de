"""Session limits, host checking, signing-key rotation, log redaction, preview links and the
throttling of wrong credentials (issue 17), against real NATS and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import io
import logging
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy import text
from typer.testing import CliRunner
from uvicorn.logging import AccessFormatter

from appgen.cli.main import app as cli
from appgen.events import EventBus, NatsSettings
from appgen.gateway import Settings
from appgen.gateway.testing import bearer, serve_gateway
from appgen.store import EventStore, KeyStore
from appgen.store.keys import key_id_of
from appgen.store.samples import sample_history
from tests.running import publish, recorder, stored

pytestmark = pytest.mark.integration

WAIT_S = 30.0
PAGE_FETCH = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "empty"}


def settings_for(nats_settings: NatsSettings, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "nats_url": nats_settings.nats_url,
        "database_url": database_url,
        "gateway_port": 0,
        "heartbeat_s": 5,
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def gateways(*settings: Settings, log_level: str = "warning") -> AsyncIterator[list[str]]:
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(serve_gateway(each, log_level=log_level))
            for each in settings
        ]


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[EventStore]:
    opened = await EventStore.open(database_url)
    try:
        yield opened
    finally:
        await opened.close()


def client(url: str, credential: str | None = None, **options: Any) -> httpx.AsyncClient:
    headers = bearer(credential) if credential else None
    return httpx.AsyncClient(base_url=url, timeout=WAIT_S, headers=headers, **options)


async def owned_project(bus: EventBus, store: EventStore, key: str) -> str:
    history = sample_history(owner=key_id_of(key), images=0)
    await publish(bus, history)
    await stored(store, history[0].project_id, len(history))
    return history[0].project_id


async def preview_url(http: httpx.AsyncClient, project_id: str) -> str:
    url: str = (await http.get(f"/api/v1/projects/{project_id}")).json()["preview_url"]
    return url


def legacy_sign(secret: bytes, purpose: str, message: str) -> str:
    """How tokens and links were signed before signing keys had ids."""
    digest = hmac.new(secret, f"{purpose}:{message}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:22]


async def test_a_leaked_token_cannot_renew_itself_past_the_session_limit(
    nats_settings: NatsSettings, database_url: str, store: EventStore
) -> None:
    key = (await KeyStore(store.engine).create("session")).key
    settings = settings_for(nats_settings, database_url, session_max_s=5, token_ttl_s=60)
    async with gateways(settings) as (url,), client(url) as http:
        # A session starts at the whole second the key was presented (the token carries whole
        # seconds), so it ends at the latest 5 s after the second the request was made in.
        asked = int(time.time())
        made = await http.post("/api/v1/tokens", headers=bearer(key))
        assert made.status_code == 201
        session_end = asked + 5
        token = made.json()["token"]
        # Within the session a token renews itself, but never past the session's end.
        renewals = 0
        while time.time() < session_end - 1.5:
            renewed = await http.post("/api/v1/tokens", headers=bearer(token))
            assert renewed.status_code == 201, renewed.text
            # Never past the session's end, though the lifetime (60 s) would allow it.
            expires = datetime.fromisoformat(renewed.json()["expires_at"]).timestamp()
            assert expires <= session_end + 1
            assert renewed.json()["key_id"] == key_id_of(key)
            token = renewed.json()["token"]
            renewals += 1
            await asyncio.sleep(0.4)
        assert renewals >= 2
        await asyncio.sleep(max(0.0, session_end + 1 - time.time()) + 1.1)
        refused = await http.post("/api/v1/tokens", headers=bearer(token))
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        detail = refused.json()["detail"]
        assert "session" in detail
        assert "APPGEN_SESSION_MAX_S" in detail
        # The last token itself stopped with the session.
        assert (await http.get("/api/v1/projects", headers=bearer(token))).status_code == 401
        # The key starts a new session.
        again = await http.post("/api/v1/tokens", headers=bearer(key))
        assert again.status_code == 201
        fresh = again.json()["token"]
        assert (await http.post("/api/v1/tokens", headers=bearer(fresh))).status_code == 201


async def test_a_foreign_host_cannot_reach_the_session_or_the_page(
    nats_settings: NatsSettings, database_url: str, store: EventStore, tmp_path: Path
) -> None:
    local = tmp_path / "local-key"
    local.write_text((await KeyStore(store.engine).create("local")).key + "\n")
    plain = settings_for(nats_settings, database_url, local_key_file=local)
    public = settings_for(
        nats_settings,
        database_url,
        local_key_file=local,
        public_url="https://apps.example.org",
    )
    async with gateways(plain, public) as (url, public_url), client(url) as browser:
        port = url.rsplit(":", 1)[1]
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "localhost"):
            own = await browser.get("/api/v1/session", headers={**PAGE_FETCH, "Host": host})
            assert own.status_code == 200, (host, own.text)
            assert (await browser.get("/", headers={"Host": host})).status_code == 200
        # A DNS-rebinding page: same-origin to the browser, but under the attacker's name.
        for host in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1.nip.io:{port}"):
            refused = await browser.get("/api/v1/session", headers={**PAGE_FETCH, "Host": host})
            assert refused.status_code == 421, host
            assert refused.headers["content-type"] == "application/problem+json"
            assert "APPGEN_ALLOWED_HOSTS" in refused.json()["detail"]
            assert "token" not in refused.json()
            assert (await browser.get("/", headers={"Host": host})).status_code == 421
        # The public URL's host is the gateway's own name too.
        async with client(public_url) as other:
            named = await other.get("/", headers={"Host": "apps.example.org"})
            assert named.status_code == 200
            assert (await other.get("/", headers={"Host": "evil.example.org"})).status_code == 421


async def test_after_a_rotation_old_links_and_tokens_work_until_their_grace_ends(
    bus: EventBus, nats_settings: NatsSettings, database_url: str, store: EventStore
) -> None:
    # A database from before key ids: its one secret is the `legacy` key (migration 0005).
    legacy = b"s" * 32
    async with store.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO signing_keys (kid, secret, created_at) "
                "VALUES ('legacy', :secret, now() - interval '1 day')"
            ),
            {"secret": legacy},
        )
    key = (await KeyStore(store.engine).create("rotation")).key
    key_id = key_id_of(key)
    assert key_id is not None
    fast = settings_for(nats_settings, database_url, signing_refresh_s=0.3)
    # The second process would not reload for an hour: only an unknown key id makes it.
    slow = settings_for(nats_settings, database_url, signing_refresh_s=3600)
    async with (
        recorder(nats_settings, database_url),
        gateways(fast, slow) as urls,
        client(urls[0], key) as owner,
    ):
        project_id = await owned_project(bus, store, key)
        expires = int(time.time()) + 600
        old_token = f"tok.{key_id}.{expires}.{legacy_sign(legacy, 'token', f'{key_id}.{expires}')}"
        old_link = f"/preview/{project_id}.{legacy_sign(legacy, 'preview', project_id)}/"
        token = (await owner.post("/api/v1/tokens")).json()["token"]
        link = httpx.URL(await preview_url(owner, project_id)).path
        assert token.split(".")[1] == "legacy"
        assert f"{project_id}.legacy." in link
        olds = [old_token, token]
        old_links = [old_link, link]

        runner = CliRunner()
        rotated = await asyncio.to_thread(
            runner.invoke,
            cli,
            ["keys", "rotate-signing", "--grace", "6", "--database-url", database_url],
        )
        grace_end = time.time() + 6
        assert rotated.exit_code == 0, rotated.output
        lines = rotated.stdout.splitlines()
        assert any(line.startswith("legacy") and "retires" in line for line in lines), lines
        (new_kid,) = [line.split()[0] for line in lines if line.endswith("signs")]

        # The fast process signs with the new key within its refresh; the slow one learns the
        # new key the first time it meets its id.
        new = await signed_with(owner, new_kid)
        new_link = httpx.URL(await preview_url(owner, project_id)).path
        assert f".{new_kid}." in new_link

        async def works(url: str, credential: str) -> int:
            async with client(url, credential) as http:
                return (await http.get("/api/v1/projects")).status_code

        async def opens(url: str, path: str) -> httpx.Response:
            async with client(url) as phone:
                return await phone.get(path)

        for url in urls:
            assert await works(url, new) == 200
            assert (await opens(url, new_link)).status_code == 200
            # Within the grace period, everything signed before still works.
            for credential in olds:
                assert await works(url, credential) == 200, credential
            for path in old_links:
                assert (await opens(url, path)).status_code == 200, path
        assert time.time() < grace_end, "the checks took longer than the grace period"

        await asyncio.sleep(grace_end - time.time() + 0.5)
        for url in urls:
            for credential in olds:
                async with client(url, credential) as http:
                    refused = await http.get("/api/v1/projects")
                assert refused.status_code == 401, credential
                assert "invalid, expired" in refused.json()["detail"]
            for path in old_links:
                gone = await opens(url, path)
                assert gone.status_code == 404, path
                assert "retired key" in gone.json()["detail"]
            assert await works(url, new) == 200
            assert (await opens(url, new_link)).status_code == 200


async def drain(socket: Any) -> None:
    """Read until the server closes the socket (an error message comes before the close)."""
    async with asyncio.timeout(WAIT_S):
        while True:
            await socket.recv()


async def signed_with(http: httpx.AsyncClient, kid: str) -> str:
    """A token from `http`'s gateway once it signs with `kid`."""
    deadline = time.monotonic() + WAIT_S
    while True:
        token: str = (await http.post("/api/v1/tokens")).json()["token"]
        if token.split(".")[1] == kid:
            return token
        assert time.monotonic() < deadline, "the gateway never took the new key"
        await asyncio.sleep(0.1)


async def test_no_token_or_key_appears_in_the_logs(
    bus: EventBus, nats_settings: NatsSettings, database_url: str, store: EventStore
) -> None:
    key = (await KeyStore(store.engine).create("logs")).key
    wrong = "appgen_0123456789ab_" + "W" * 43
    lines = io.StringIO()
    capture = logging.StreamHandler(lines)
    capture.setFormatter(logging.Formatter("%(name)s %(message)s"))
    access = logging.StreamHandler(lines)
    access.setFormatter(AccessFormatter('%(client_addr)s "%(request_line)s" %(status_code)s'))
    settings = settings_for(nats_settings, database_url)
    async with (
        recorder(nats_settings, database_url),
        gateways(settings, log_level="info") as (url,),
        client(url, key) as http,
    ):
        loggers = [logging.getLogger(name) for name in ("", "uvicorn.error", "appgen")]
        for logger in loggers:
            logger.addHandler(capture)
        logging.getLogger("uvicorn.access").addHandler(access)
        try:
            project_id = await owned_project(bus, store, key)
            token = (await http.post("/api/v1/tokens")).json()["token"]
            link = await preview_url(http, project_id)
            async with client(url) as anonymous:
                events = f"/api/v1/projects/{project_id}/events"
                assert (await anonymous.get(events, params={"access_token": token})).is_success
                assert (await anonymous.get(events, headers=bearer(wrong))).status_code == 401
                assert (
                    await anonymous.get(events, params={"access_token": key})
                ).status_code == 401
                assert (await anonymous.get(link)).status_code == 200
            ws = "ws" + url.removeprefix("http") + f"/api/v1/ws/generate/{project_id}"
            async with websockets.connect(f"{ws}?access_token={token}") as socket:
                await asyncio.wait_for(socket.recv(), WAIT_S)
            # Any other logger, any shape of message.
            logging.getLogger("appgen.gateway.elsewhere").warning(
                "a client sent %s and Authorization: Bearer %s", token, key
            )
            logging.getLogger("some.library").error("GET %s?access_token=%s failed", link, token)
        finally:
            for logger in loggers:
                logger.removeHandler(capture)
            logging.getLogger("uvicorn.access").removeHandler(access)
    logged = lines.getvalue()
    assert "access_token=[redacted]" in logged
    assert f"/api/v1/projects/{project_id}/events" in logged  # the access log is there
    secrets = [key, key.rsplit("_", 1)[1], wrong.rsplit("_", 1)[1], token, token.split(".")[-1]]
    secrets.append(httpx.URL(link).path.split(".", 1)[1])
    for secret in secrets:
        assert secret not in logged, secret
    assert "[redacted]" in logged


async def test_preview_links_expire_and_a_new_link_revokes_the_old(
    bus: EventBus, nats_settings: NatsSettings, database_url: str, store: EventStore
) -> None:
    keys = KeyStore(store.engine)
    key, other = (await keys.create("links")).key, (await keys.create("other")).key
    forever = settings_for(nats_settings, database_url)
    expiring = settings_for(nats_settings, database_url, preview_link_ttl=2)
    async with (
        recorder(nats_settings, database_url),
        gateways(forever, forever, expiring) as urls,
        client(urls[0], key) as owner,
        client(urls[1]) as phone,
    ):
        project_id = await owned_project(bus, store, key)
        old = await preview_url(owner, project_id)
        assert (await phone.get(old)).status_code == 200

        made = await owner.post(f"/api/v1/projects/{project_id}/preview-link")
        assert made.status_code == 200, made.text
        assert made.json()["expires_at"] is None
        new = made.json()["preview_url"]
        assert new != old
        # At once, on the other process too: the old link is gone, the new one opens.
        gone = await phone.get(old)
        assert gone.status_code == 404
        assert "replaced" in gone.json()["detail"]
        assert (await phone.get(f"{httpx.URL(old).path}index.html")).status_code == 404
        assert (await phone.get(new)).status_code == 200
        assert await preview_url(owner, project_id) == new
        qr = await owner.get(f"/api/v1/projects/{project_id}/qr")
        assert qr.headers["x-preview-url"].endswith(httpx.URL(new).path)
        # Only the owner may replace it.
        async with client(urls[1], other) as stranger:
            refused = await stranger.post(f"/api/v1/projects/{project_id}/preview-link")
            assert refused.status_code == 404

        # With APPGEN_PREVIEW_LINK_TTL a link stops after it; one without an expiry is refused.
        async with client(urls[2], key) as third:
            made = await third.post(f"/api/v1/projects/{project_id}/preview-link")
            expiring_link = made.json()["preview_url"]
            assert made.json()["expires_at"] is not None
            assert (await third.get(expiring_link)).status_code == 200
            never = (await owner.get(f"/api/v1/projects/{project_id}")).json()["preview_url"]
            assert (await owner.get(never)).status_code == 200
            assert (await third.get(httpx.URL(never).path)).status_code == 404
            await asyncio.sleep(3.1)
            expired = await third.get(expiring_link)
            assert expired.status_code == 404
            assert "expired" in expired.json()["detail"]
            renewed = await third.get(f"/api/v1/projects/{project_id}")
            assert (await third.get(renewed.json()["preview_url"])).status_code == 200


async def test_wrong_credentials_are_throttled_per_client_with_retry_after(
    nats_settings: NatsSettings, database_url: str, store: EventStore
) -> None:
    key = (await KeyStore(store.engine).create("throttle")).key
    wrong = "appgen_0123456789ab_" + "W" * 43
    settings = settings_for(
        nats_settings, database_url, max_auth_failures=3, auth_failure_window_s=30
    )
    async with gateways(settings) as (url,), client(url) as guesser:
        for credential in (wrong, "tok.nothing.1.2.3.4", wrong):
            response = await guesser.get("/api/v1/projects", headers=bearer(credential))
            assert response.status_code == 401
        throttled = await guesser.post("/api/v1/tokens", headers=bearer(wrong))
        assert throttled.status_code == 429
        assert throttled.headers["content-type"] == "application/problem+json"
        assert throttled.json()["type"] == "urn:appgen:limit:auth_failures"
        assert 1 <= int(throttled.headers["retry-after"]) <= 30
        # Even a right key waits from that address; a socket is refused too.
        assert (await guesser.get("/api/v1/projects", headers=bearer(key))).status_code == 429
        ws = "ws" + url.removeprefix("http") + "/api/v1/ws/generate/p1"
        async with websockets.connect(ws, additional_headers=bearer(key)) as socket:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await drain(socket)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1008
        # Another client address is not affected.
        other = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
        async with client(url, key, transport=other) as neighbour:
            assert (await neighbour.get("/api/v1/projects")).status_code == 200
