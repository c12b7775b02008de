"""Where the tests' real servers come from: env URLs, else testcontainers, else embedded ones.

Each test gets isolated state: its own nats-server (they start in ~40 ms) or, with a shared
server from the environment, a clean stream; and its own database cloned from a migrated template.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from appgen.stack import NatsServer, PostgresServer

TEMPLATE_DB = "appgen_template"
_counter = itertools.count(1)


def docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return (
            subprocess.run(
                ["docker", "info"], capture_output=True, timeout=5, check=False
            ).returncode
            == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return False


@dataclass
class PostgresSource:
    """Makes one fresh database per test on some real PostgreSQL server."""

    admin_url: str  # asyncpg URL to a maintenance database

    def url_for(self, database: str) -> str:
        base, _, query = self.admin_url.partition("?")
        root = base.rsplit("/", 1)[0]
        return f"{root}/{database}" + (f"?{query}" if query else "")

    async def execute(self, sql: str) -> None:
        conn = await asyncpg.connect(self.admin_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def create_template(self) -> None:
        from appgen.store.migrate import upgrade_to_head

        await self.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)')
        await self.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
        await asyncio.to_thread(upgrade_to_head, self.url_for(TEMPLATE_DB))

    async def new_database(self) -> str:
        name = f"t_{os.getpid()}_{next(_counter)}"
        await self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')
        return self.url_for(name)


@contextmanager
def postgres_source() -> Iterator[PostgresSource]:
    url = os.environ.get("APPGEN_TEST_DATABASE_URL")
    if url:
        yield PostgresSource(url.replace("postgresql+asyncpg://", "postgresql://"))
        return
    if docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:17-alpine", driver=None) as container:
            yield PostgresSource(container.get_connection_url())
        return
    folder = Path(tempfile.mkdtemp(prefix="appgen-test-pg-"))
    server = PostgresServer(folder / "pgdata").start()
    try:
        yield PostgresSource(server.url("postgres"))
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class NatsSource:
    """Gives each test a nats-server of its own, or the shared one from the environment."""

    shared_url: str | None
    folder: Path

    @contextmanager
    def server(self) -> Iterator[NatsServer | str]:
        if self.shared_url:
            yield self.shared_url
            return
        server = NatsServer(Path(tempfile.mkdtemp(dir=self.folder))).start()
        try:
            yield server
        finally:
            server.stop()


@contextmanager
def nats_source() -> Iterator[NatsSource]:
    url = os.environ.get("APPGEN_TEST_NATS_URL")
    folder = Path(tempfile.mkdtemp(prefix="appgen-test-nats-"))
    try:
        if url or not docker_answers():
            yield NatsSource(url, folder)
            return
        from testcontainers.nats import NatsContainer

        with NatsContainer("nats:2.11-alpine").with_command("-js") as container:
            yield NatsSource(container.nats_uri(), folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
