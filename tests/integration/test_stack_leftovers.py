"""After a killed `appgen up`: what it left running is found by pid and command line, and stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from appgen.cli.leftovers import leftover_processes, running, stop_processes
from appgen.cli.state import StackInfo
from appgen.stack import NatsCluster, NatsServer

pytestmark = pytest.mark.integration


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen[bytes]]:
    """A process that happens to have a pid the earlier run recorded (pids are reused)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield process
    process.kill()
    process.wait()


def finished_pid() -> int:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return gone.pid


def test_a_killed_runs_nats_server_and_workers_are_stopped(
    tmp_path: Path, bystander: subprocess.Popen[bytes]
) -> None:
    nats = NatsServer(tmp_path / "nats").start()
    assert nats.process is not None
    worker = subprocess.Popen(
        [sys.executable, "-m", "appgen.finisher"],
        env={**os.environ, "APPGEN_NATS_URL": nats.url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        earlier = StackInfo(
            pid=finished_pid(),
            data_dir=str(tmp_path),
            web_url=None,
            nats_url=nats.url,
            database_url="postgresql://postgres@/appgen?host=/nowhere",
            processes={"finisher#1": worker.pid, "screens#1": bystander.pid},
            servers={"nats-server": nats.process.pid},
        )
        found = leftover_processes(earlier, tmp_path)
        assert found == {"nats-server": nats.process.pid, "finisher#1": worker.pid}

        stop_processes(found, grace_s=15)
        assert nats.process.wait(5) is not None
        assert worker.wait(5) is not None
        assert bystander.poll() is None
    finally:
        worker.kill()
        nats.stop(kill=True)


def test_nothing_is_touched_while_the_earlier_run_still_runs(
    tmp_path: Path, bystander: subprocess.Popen[bytes]
) -> None:
    nats = NatsServer(tmp_path / "nats").start()
    assert nats.process is not None
    try:
        alive_run = StackInfo(
            pid=bystander.pid,
            data_dir=str(tmp_path),
            web_url=None,
            nats_url=nats.url,
            database_url="postgresql://postgres@/appgen?host=/nowhere",
            processes={},
            servers={"nats-server": nats.process.pid},
        )
        assert leftover_processes(alive_run, tmp_path) == {}
        # A nats-server for another data folder is not this folder's leftover either.
        elsewhere = alive_run.model_copy(update={"pid": finished_pid()})
        assert leftover_processes(elsewhere, tmp_path / "other") == {}
        assert running(nats.process.pid)
    finally:
        nats.stop()


def test_a_killed_runs_nats_cluster_nodes_are_all_stopped(tmp_path: Path) -> None:
    cluster = NatsCluster(tmp_path / "nats-cluster", 3).start()
    try:
        pids = {
            f"nats-server#{n}": node.process.pid
            for n, node in enumerate(cluster.nodes, 1)
            if node.process is not None
        }
        earlier = StackInfo(
            pid=finished_pid(),
            data_dir=str(tmp_path),
            web_url=None,
            nats_url=cluster.url,
            database_url="postgresql://postgres@/appgen?host=/nowhere",
            processes={},
            servers=pids,
        )
        assert leftover_processes(earlier, tmp_path) == pids
        assert leftover_processes(earlier, tmp_path / "other") == {}
        stop_processes(pids, grace_s=15)
        assert not any(node.running for node in cluster.nodes)
    finally:
        cluster.stop(kill=True)


# A process whose main thread has ended while another still runs: its main thread shows Z in
# /proc, as a nats-server's can while it closes its store after SIGTERM.
_MAIN_THREAD_GONE_FIRST = """
import ctypes, os, sys, threading, time
def linger():
    sys.stdout.write("ready\\n"); sys.stdout.flush()
    time.sleep(5)
    os._exit(0)
threading.Thread(target=linger).start()
time.sleep(0.2)
ctypes.CDLL(None).pthread_exit(None)
"""


def test_a_process_whose_main_thread_ended_first_still_counts_as_running() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _MAIN_THREAD_GONE_FIRST], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        deadline = time.monotonic() + 5
        while _main_thread_state(child.pid) != "Z":
            assert time.monotonic() < deadline, "the main thread did not end"
            time.sleep(0.05)
        # Until its last thread has gone, `appgen up` must not take its place.
        assert running(child.pid)
        child.kill()
        child.wait(timeout=5)
        assert not running(child.pid)
    finally:
        child.kill()
        child.wait(timeout=5)


def _main_thread_state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
