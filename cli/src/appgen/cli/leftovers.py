"""Cleaning up after an `appgen up` that was killed before it could stop what it started.

Children die with their supervisor on Linux (PR_SET_PDEATHSIG), but nats-server (each node of a
`--nats-cluster`) runs in its own session and would keep its port and JetStream store busy. The data folder's lock proves the
earlier run is gone, and `stack.json` says what it left; each pid is checked against its command
line before it is signalled, so a reused pid is never touched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Mapping
from pathlib import Path

from appgen.cli.state import StackInfo

_POLL_S = 0.05


def command_line(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def running(pid: int) -> bool:
    """Whether `pid` still runs. A zombie (exited, not yet reaped by its parent) does not, but a
    process whose main thread shows Z while its other threads are still exiting (a nats-server
    tearing down its store) does: each thread is looked at, not the main one alone."""
    try:
        threads = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return False
    return any(_state(thread / "stat") not in (None, "Z") for thread in threads)


def _state(stat: Path) -> str | None:
    """The state letter in a `/proc/.../stat` file; None once it is gone."""
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def leftover_processes(info: StackInfo, data_dir: Path) -> dict[str, int]:
    """The processes named in an earlier run's `stack.json` that still run as what they were."""
    found: dict[str, int] = {}
    if info.pid != os.getpid() and running(info.pid):
        # The earlier `appgen up` itself still runs (it would hold the lock): leave it all alone.
        return found
    for label, pid in info.servers.items():
        # `nats-server`, or a cluster's `nats-server#2`: started on a config in this folder.
        if label.split("#", 1)[0] == "nats-server" and _nats_config_within(pid, data_dir):
            found[label] = pid
    for label, pid in info.processes.items():
        module = f"appgen.{label.split('#', 1)[0]}"
        args = command_line(pid) or []
        if "-m" in args and module in args:
            found[label] = pid
    return found


def _nats_config_within(pid: int, data_dir: Path) -> bool:
    args = command_line(pid) or []
    return any(
        arg.endswith("nats-server.conf") and Path(arg).is_relative_to(data_dir) for arg in args
    )


def stop_processes(pids: Mapping[str, int], *, grace_s: float = 10.0) -> None:
    """SIGTERM, wait up to `grace_s` for them to go, then SIGKILL what is left."""
    for pid in pids.values():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while any(running(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(_POLL_S)
    for pid in pids.values():
        if running(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
