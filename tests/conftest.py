"""Fixtures that give tests real servers: a nats-server with JetStream and PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator

import nats
import pytest
from nats.js.errors import NotFoundError

from appgen.events import EventBus, NatsSettings, open_bus
from appgen.stack import NatsServer
from tests.harness import NatsSource, PostgresSource, nats_source, postgres_source

# A stack a test starts (`appgen up` and its supervisor run the native service) builds no Expo
# web export in the background: each build takes two cores for seconds and would slow every
# test beside it. The native stage's own tests (tests/expo) turn builds on explicitly.
os.environ.setdefault("APPGEN_NATIVE__BUILDS", "false")


@pytest.fixture(scope="session")
def nats_servers() -> Iterator[NatsSource]:
    with nats_source() as source:
        yield source


@pytest.fixture
def nats_server(nats_servers: NatsSource) -> Iterator[NatsServer | str]:
    """A nats-server for this test alone (a `NatsServer` that tests may restart), or a shared URL."""
    with nats_servers.server() as server:
        yield server


@pytest.fixture
async def nats_url(nats_server: NatsServer | str) -> str:
    if isinstance(nats_server, NatsServer):
        return nats_server.url
    # A shared server: start from an empty stream so no other test's events are seen.
    nc = await nats.connect(nats_server)
    try:
        js = nc.jetstream()
        for stream in (NatsSettings().stream,):
            with contextlib.suppress(NotFoundError):
                await js.delete_stream(stream)
    finally:
        await nc.close()
    return nats_server


@pytest.fixture
def nats_settings(nats_url: str) -> NatsSettings:
    return NatsSettings(nats_url=nats_url)


@pytest.fixture
async def bus(nats_settings: NatsSettings) -> AsyncIterator[EventBus]:
    async with open_bus(nats_settings, name=f"test-{uuid.uuid4().hex[:6]}") as opened:
        yield opened


@pytest.fixture(scope="session")
async def postgres() -> AsyncIterator[PostgresSource]:
    with postgres_source() as source:
        await source.create_template()
        yield source


@pytest.fixture
async def database_url(postgres: PostgresSource) -> str:
    """A fresh, migrated database for this test (asyncpg `postgresql://` URL)."""
    return await postgres.new_database()
