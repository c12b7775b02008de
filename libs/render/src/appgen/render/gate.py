"""A gate for background commands (the native stage's Expo builds): while it is closed, a running
command stands still (SIGSTOP to its process group) and a new one waits to start; opened, it goes
on (SIGCONT). Its timeout counts only the time it ran.

Why not a lower priority alone: a build's `tsc` and Metro under SCHED_IDLE still slowed the
previews made beside them by a quarter (docs/benchmarks.md, `bench latency`, builds on and off),
through what priorities do not share out: caches, memory bandwidth, the disk's flushes. A build
that does not run while a generation does cannot slow it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

# How often a running command's wait wakes to count the time it ran.
POLL_S = 0.05


class Gate:
    """Open or closed, from any thread; open at first. Closing it stops the process groups of
    the commands running under it at once, not at their next look: the first milliseconds of a
    generation are the ones its preview waits on."""

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self._groups: set[int] = set()

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    def open(self) -> None:
        with self._lock:
            self._open.set()
            for group in self._groups:
                _signal(group, signal.SIGCONT)

    def close(self) -> None:
        with self._lock:
            if not self._open.is_set():
                return
            self._open.clear()
            for group in self._groups:
                _signal(group, signal.SIGSTOP)

    def wait_open(self) -> None:
        self._open.wait()

    def enter(self, group: int) -> None:
        """A command's process group, started while the gate was open; stopped now if it has
        closed since."""
        with self._lock:
            self._groups.add(group)
            if not self._open.is_set():
                _signal(group, signal.SIGSTOP)

    def leave(self, group: int) -> None:
        with self._lock:
            self._groups.discard(group)


def run_gated(
    args: list[str], cwd: Path, env: Mapping[str, str], *, timeout: float, gate: Gate
) -> tuple[int | None, str]:
    """Run `args` to its end while `gate` lets it: (exit status, output), or (None, output so
    far) once it has run for `timeout` seconds, not counting the time it stood still."""
    gate.wait_open()
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(
            args,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            # Its own process group, so that `npx`, `node` and their workers stop together.
            start_new_session=True,
        )
        gate.enter(process.pid)
        try:
            code = _wait(process, timeout, gate)
        finally:
            gate.leave(process.pid)
            # The command if it still runs, and what it left running in its group (a bundler's
            # workers), stopped or not.
            _signal(process.pid, signal.SIGKILL)
            process.wait()
        output.seek(0)
        return code, output.read()


def _wait(process: subprocess.Popen[str], timeout: float, gate: Gate) -> int | None:
    ran = 0.0
    while True:
        gate.wait_open()
        started = time.monotonic()
        try:
            return process.wait(timeout=min(POLL_S, max(timeout - ran, 0.0)))
        except subprocess.TimeoutExpired:
            # A slice during which the gate closed is not counted: the command stood still.
            if gate.is_open:
                ran += time.monotonic() - started
            if ran >= timeout:
                return None


def _signal(group: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, sig)
