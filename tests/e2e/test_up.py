"""`appgen up` as a person runs it: start, use, Ctrl-C, start again on the same data folder."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx
import nats
import nats.errors
import pytest

from appgen.cli.leftovers import running as alive
from appgen.cli.nats_users import stack_settings
from appgen.cli.services import BY_NAME, SERVICES, installed_services, instances
from appgen.cli.state import STATE_FILE, StackInfo, read_stack_info
from appgen.events import NatsSettings, ProjectRequested, new_project_id, open_bus
from appgen.stack import free_port

pytestmark = pytest.mark.e2e

APPGEN = Path(sys.executable).parent / "appgen"
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 40.0
PIPELINE_TIMEOUT_S = 90.0
METRICS_TIMEOUT_S = 30.0


@contextmanager
def appgen_up(
    data_dir: Path,
    port: int,
    log: Path,
    *options: str,
    env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    command = [str(APPGEN), "up", "--port", str(port), "--data-dir", str(data_dir), *options]
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def output(log: Path) -> str:
    return log.read_text(errors="replace")


async def wait_ready(process: subprocess.Popen[bytes], data_dir: Path, log: Path) -> StackInfo:
    deadline = time.monotonic() + START_TIMEOUT_S
    while (info := read_stack_info(data_dir)) is None or not info.ready or info.pid != process.pid:
        assert process.poll() is None, f"appgen up exited early:\n{output(log)}"
        assert time.monotonic() < deadline, f"not ready in time:\n{output(log)}"
        await asyncio.sleep(0.1)
    return info


async def interrupt(
    process: subprocess.Popen[bytes], log: Path, sig: signal.Signals = signal.SIGINT
) -> None:
    process.send_signal(sig)
    code = await asyncio.to_thread(process.wait, STOP_TIMEOUT_S)
    assert code == 0, output(log)


async def fetch_count(database_url: str, sql: str, *args: object) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        count: int = await conn.fetchval(sql, *args)
        return count
    finally:
        await conn.close()


async def recorded(database_url: str, event_id: uuid.UUID) -> int:
    sql = "SELECT count(*) FROM events WHERE event_id = $1"
    return await fetch_count(database_url, sql, event_id)


async def wait_for_rows(database_url: str, sql: str, *args: object, what: str, log: Path) -> None:
    deadline = time.monotonic() + PIPELINE_TIMEOUT_S
    while await fetch_count(database_url, sql, *args) == 0:
        assert time.monotonic() < deadline, f"{what} never happened:\n{output(log)[-4000:]}"
        await asyncio.sleep(0.2)


async def fetch_metrics(client: httpx.AsyncClient, url: str, log: Path) -> httpx.Response:
    """The metrics page once the process serves it (a stage may still be starting)."""
    deadline = time.monotonic() + METRICS_TIMEOUT_S
    while True:
        try:
            return await client.get(url)
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"nothing serves {url}:\n{output(log)[-4000:]}"
            await asyncio.sleep(0.2)


async def check_metrics(info: StackInfo, scale: dict[str, int], log: Path) -> None:
    """Every process, each worker of a scaled stage too, serves Prometheus text on its own URL,
    and `appgen up` printed where."""
    expected = [
        instance.label
        for instance in instances(scale, installed_services())
        if instance.service.own_metrics_port or instance.service.name == "gateway"
    ]
    assert sorted(info.metrics) == sorted(expected)
    assert len(set(info.metrics.values())) == len(info.metrics)
    async with httpx.AsyncClient(timeout=5.0) as client:
        for label, url in info.metrics.items():
            response = await fetch_metrics(client, url, log)
            assert response.status_code == 200, (label, url, response.text[:500])
            assert response.headers["content-type"].startswith("text/plain"), label
            assert "# TYPE appgen_events_consumed_total counter" in response.text, label
            assert url in output(log), label


async def test_up_runs_stops_cleanly_and_keeps_its_data(tmp_path: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "appgen-up.log"
    port = free_port()
    services = installed_services()
    has_gateway = BY_NAME["gateway"] in services
    has_recorder = BY_NAME["recorder"] in services
    scale = {"screens": 2} if BY_NAME["screens"] in services else {}

    options = [f"--scale={name}={count}" for name, count in scale.items()]
    with appgen_up(data_dir, port, log, *options) as first:
        info = await wait_ready(first, data_dir, log)
        assert sorted(info.processes) == sorted(i.label for i in instances(scale, services))
        assert set(info.servers) == {"nats-server", "postgres"}
        assert all(alive(pid) for pid in [*info.processes.values(), *info.servers.values()])
        if has_gateway:
            assert info.web_url == f"http://127.0.0.1:{port}/"
            async with httpx.AsyncClient() as client:
                assert (await client.get(f"{info.web_url}healthz")).status_code == 200
            assert f"http://127.0.0.1:{port}/" in output(log)

        busy = await asyncio.to_thread(
            subprocess.run,
            [str(APPGEN), "up", "--port", str(free_port()), "--data-dir", str(data_dir)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert busy.returncode == 1
        assert f"pid {first.pid}" in busy.stdout

        # NATS admits only the stack's users, each service as its own (docs/security.md).
        with pytest.raises((nats.errors.NoServersError, nats.errors.Error)):
            await nats.connect(info.nats_url, allow_reconnect=False, max_reconnect_attempts=0)
        assert (data_dir / "nats-users" / "gateway").stat().st_mode & 0o777 == 0o600
        event = ProjectRequested(project_id=new_project_id(), prompt="a plant watering tracker")
        gateway = stack_settings(data_dir, info.nats_url, "gateway")
        async with open_bus(gateway, name="test-up") as bus:
            position = await bus.publish(event)
        if has_recorder:
            await wait_for_rows(
                info.database_url,
                "SELECT count(*) FROM events WHERE event_id = $1",
                event.event_id,
                what="recording the request",
                log=log,
            )
        if set(services) == set(SERVICES):
            # Every stage runs as its own process: the request goes all the way through.
            await wait_for_rows(
                info.database_url,
                "SELECT count(*) FROM events WHERE project_id = $1 AND type = 'ProjectCompleted'",
                event.project_id,
                what="completing the project",
                log=log,
            )
        await check_metrics(info, scale, log)

        await interrupt(first, log)
        pids = [*info.processes.values(), *info.servers.values()]
        assert not any(alive(pid) for pid in pids), output(log)
        assert not (data_dir / STATE_FILE).exists()
        assert not (data_dir / "postgres" / "postmaster.pid").exists()
        assert "stopped" in output(log)

    with appgen_up(data_dir, port, log) as second:
        again = await wait_ready(second, data_dir, log)
        admin = stack_settings(data_dir, again.nats_url)
        nc = await nats.connect(again.nats_url, user=admin.nats_user, password=admin.nats_secret())
        try:
            stored = await nc.jetstream().get_msg(NatsSettings().stream, position)
        finally:
            await nc.close()
        assert stored.headers is not None
        assert stored.headers["Nats-Msg-Id"] == str(event.event_id)
        if has_recorder:
            assert await recorded(again.database_url, event.event_id) == 1
        # SIGTERM (what a service manager sends) stops it as cleanly as Ctrl-C.
        await interrupt(second, log, signal.SIGTERM)
        assert not any(alive(pid) for pid in [*again.processes.values(), *again.servers.values()])


async def test_up_uses_the_servers_named_by_the_environment(
    tmp_path: Path, nats_url: str, database_url: str
) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "appgen-up.log"
    env = {**os.environ, "APPGEN_NATS_URL": nats_url, "APPGEN_DATABASE_URL": database_url}
    with appgen_up(data_dir, free_port(), log, env=env) as process:
        info = await wait_ready(process, data_dir, log)
        assert (info.nats_url, info.database_url) == (nats_url, database_url)
        assert info.servers == {}
        assert not (data_dir / "nats").exists()
        assert not (data_dir / "postgres").exists()
        # The stream was made on the named server before any service ran.
        nc = await nats.connect(nats_url)
        try:
            stream = await nc.jetstream().stream_info(NatsSettings().stream)
        finally:
            await nc.close()
        assert stream.config.name == NatsSettings().stream
        await interrupt(process, log)


async def test_up_cleans_up_after_a_killed_run(tmp_path: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "appgen-up.log"
    port = free_port()
    with appgen_up(data_dir, port, log) as first:
        info = await wait_ready(first, data_dir, log)
        first.kill()
        first.wait()
    # The services follow their supervisor (PR_SET_PDEATHSIG); nats-server, in its own
    # session, and PostgreSQL, a daemon, are left behind.
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while any(alive(pid) for pid in info.processes.values()):
        assert time.monotonic() < deadline, "services outlived their killed supervisor"
        await asyncio.sleep(0.1)
    nats_pid = info.servers["nats-server"]
    assert alive(nats_pid)

    with appgen_up(data_dir, port, log) as second:
        again = await wait_ready(second, data_dir, log)
        assert f"an earlier appgen up (pid {first.pid}) did not stop cleanly" in output(log)
        assert not alive(nats_pid)
        await interrupt(second, log)
    assert not any(alive(pid) for pid in again.servers.values())
    assert not (data_dir / "postgres" / "postmaster.pid").exists()


def test_up_without_keys_beyond_loopback_is_refused_before_anything_starts(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    finished = subprocess.run(
        [str(APPGEN), "up", "--no-auth", "--host", "0.0.0.0", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    said = finished.stdout + finished.stderr
    assert finished.returncode == 1, said
    assert "refusing --no-auth on 0.0.0.0" in said
    assert "listen on 127.0.0.1" in said
    assert not data_dir.exists(), "something started"
