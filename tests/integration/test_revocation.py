"""Revoking a key ends what it already opened, on every gateway process (issue 17, item 3).

Two gateways over one NATS and one PostgreSQL; a key's WebSocket is open on one and its SSE
stream on the other; the key is revoked in the store (as `appgen keys revoke` does). Within 5 s
the socket closes 1008 with the reason and the stream ends with `event: close`.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import websockets

from appgen.gateway import Settings
from appgen.gateway.revocations import REVOKED
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.store import EventStore
from appgen.store.keys import KeyStore, key_id_of

pytestmark = pytest.mark.integration

LIMIT_S = 5.0


async def test_a_revoked_keys_socket_and_stream_end_on_every_gateway(
    nats_url: str, database_url: str
) -> None:
    settings = Settings(
        nats_url=nats_url, database_url=database_url, gateway_port=0, revocation_check_s=1.0
    )
    doomed, kept = await create_key(database_url), await create_key(database_url)
    store = await EventStore.open(database_url)
    try:
        async with serve_gateway(settings) as one, serve_gateway(settings) as two:
            projects = []
            for key in (doomed, kept):
                async with httpx.AsyncClient(base_url=one, headers=bearer(key)) as http:
                    made = await http.post("/api/v1/projects", json={"prompt": "A plant app"})
                    projects.append(made.json()["project_id"])
            ws_url = "ws" + one.removeprefix("http") + "/api/v1/ws/generate/{}"
            async with (
                websockets.connect(
                    ws_url.format(projects[0]), additional_headers=bearer(doomed)
                ) as socket,
                websockets.connect(
                    ws_url.format(projects[1]), additional_headers=bearer(kept)
                ) as other,
                httpx.AsyncClient(base_url=two, headers=bearer(doomed), timeout=30) as http,
                http.stream("GET", f"/api/v1/projects/{projects[0]}/stream") as sse,
            ):
                await asyncio.wait_for(socket.recv(), 5)  # the history: it is open
                lines = sse.aiter_lines()
                assert (await asyncio.wait_for(anext(lines), 5)).startswith(("id:", "data:"))
                key_id = key_id_of(doomed)
                assert key_id is not None
                await KeyStore(store.engine).revoke(key_id)
                started = time.monotonic()

                async def socket_closed() -> websockets.ConnectionClosed:
                    try:
                        while True:
                            await socket.recv()
                    except websockets.ConnectionClosed as ended:
                        return ended

                async def stream_closed() -> list[str]:
                    seen = []
                    async for line in lines:
                        seen.append(line)
                    return seen

                closed, seen = await asyncio.wait_for(
                    asyncio.gather(socket_closed(), stream_closed()), LIMIT_S + 2
                )
                assert time.monotonic() - started < LIMIT_S
                assert closed.rcvd is not None
                assert (closed.rcvd.code, closed.rcvd.reason) == (1008, REVOKED)
                assert "event: close" in seen
                assert f"data: {REVOKED}" in seen
                # Another key's socket on the same gateway stays open.
                await other.send('{"action": "ping"}')
                async with asyncio.timeout(5):
                    while '"pong"' not in str(await other.recv()):
                        pass
    finally:
        await store.close()
