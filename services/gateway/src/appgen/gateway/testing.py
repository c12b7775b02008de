"""A gateway served in-process on a free port, for tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn

from appgen.gateway.app import create_app
from appgen.gateway.settings import Settings
from appgen.gateway.tokens import Signer
from appgen.store import EventStore, KeyStore, SigningKeyStore

SHUTDOWN_GRACE_S = 2


class _InProcessServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The caller's process owns its signal handlers.
        yield


@asynccontextmanager
async def serve_gateway(settings: Settings, *, log_level: str = "warning") -> AsyncIterator[str]:
    """Run the gateway with uvicorn in this event loop; yields its `http://host:port` origin."""
    config = uvicorn.Config(
        create_app(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        log_level=log_level,
        lifespan="on",
        ws_ping_interval=settings.heartbeat_s,
        ws_ping_timeout=settings.heartbeat_s,
        # Progress messages are a few KB of JSON: per-message deflate would cost each socket
        # about 45 KB of zlib state and each delivery a compression of its own.
        ws_per_message_deflate=False,
        # Without the process's signal handlers, sse-starlette never hears of the shutdown, so an
        # open event stream (a preview's live-reload script) would hold the server forever.
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
    server = _InProcessServer(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the gateway stopped while starting")
            await asyncio.sleep(0.01)
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=30)


async def create_key(database_url: str, name: str = "test") -> str:
    """A new API key in the database at `database_url` (migrated), for tests and benchmarks."""
    store = await EventStore.open(database_url, pool_size=1)
    try:
        return (await KeyStore(store.engine).create(name)).key
    finally:
        await store.close()


async def gateway_signer(store: EventStore) -> Signer:
    """A signer with the keys and link generations the gateways on `store` use now (start a
    gateway first: it makes the first key)."""
    signing = SigningKeyStore(store.engine)
    return Signer(await signing.active(), generations=await signing.link_generations())


def bearer(key: str) -> dict[str, str]:
    """The header that authenticates a request with `key` (or a token)."""
    return {"Authorization": f"Bearer {key}"}


async def write_local_key(database_url: str, folder: Path) -> Path:
    """A new key written where `appgen up` writes its local key; pass it as `local_key_file` so
    the gateway's page authenticates as it does under `appgen up`."""
    path = folder / "local-key"
    path.write_text(await create_key(database_url, "local (test)") + "\n")
    path.chmod(0o600)
    return path
