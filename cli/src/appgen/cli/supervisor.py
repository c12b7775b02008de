"""Runs each service as its own OS process: streams its output, restarts it, stops it cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from appgen.cli.output import Output
from appgen.cli.restart import CrashHistory, RestartPolicy

_PR_SET_PDEATHSIG = 1
# A log line longer than this arrives in pieces instead of stalling the reader.
_LINE_LIMIT = 1 << 20


@dataclass(frozen=True)
class ChildSpec:
    """How to start one process: `label` names it in the output (`screens#2`)."""

    service: str
    label: str
    argv: Sequence[str]
    env: Mapping[str, str]


@dataclass
class _Child:
    spec: ChildSpec
    history: CrashHistory
    process: asyncio.subprocess.Process | None = None
    starts: int = 0

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def signal(self, sig: int) -> None:
        if self.alive and self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(sig)


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, children get SIGTERM if the supervisor itself is killed, so none is orphaned."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def preexec() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return preexec


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


@dataclass
class Supervisor:
    """Keeps every child running until told to stop, or until one keeps dying.

    Children run in their own sessions: a Ctrl-C in the terminal reaches only `appgen up`,
    which stops them all: SIGTERM, a grace period for in-flight work, then SIGKILL. On Linux a
    child also gets SIGTERM if the supervisor itself is killed, so none is left orphaned.
    """

    specs: Sequence[ChildSpec]
    output: Output
    policy: RestartPolicy = field(default_factory=RestartPolicy)
    grace_s: float = 15.0
    failure: str | None = None
    _children: list[_Child] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _all_spawned: asyncio.Event = field(default_factory=asyncio.Event)

    def pids(self) -> dict[str, int]:
        return {
            child.spec.label: child.process.pid
            for child in self._children
            if child.process is not None and child.alive
        }

    def starts(self) -> dict[str, int]:
        """How many times each child has been started (1 unless it was restarted)."""
        return {child.spec.label: child.starts for child in self._children}

    async def spawned(self) -> None:
        """Return once every child has been started once (or failed to start)."""
        await self._all_spawned.wait()

    async def run(self, stop: asyncio.Event, hurry: asyncio.Event | None = None) -> str | None:
        """Run until `stop` is set, then shut down; None, or why the stack gave up.

        `hurry` (a second Ctrl-C) cuts the grace period short.
        """
        self._stop = stop
        self._children = [_Child(spec, CrashHistory(self.policy)) for spec in self.specs]
        if not self._children:
            self._all_spawned.set()
        preexec = _die_with_parent()
        tasks = [asyncio.create_task(self._keep_running(c, preexec)) for c in self._children]
        await stop.wait()
        await self._shutdown(tasks, hurry or asyncio.Event())
        return self.failure

    async def _keep_running(self, child: _Child, preexec: Callable[[], None] | None) -> None:
        loop = asyncio.get_running_loop()
        label = child.spec.label
        while not self._stop.is_set():
            code = await self._run_once(child, preexec)
            if self._stop.is_set():
                return
            delay = child.history.died(loop.time())
            if delay is None:
                self.failure = (
                    f"{label} died {child.history.recent} times within "
                    f"{self.policy.window_s:.0f}s (last: {describe_exit(code)}); stopping the stack"
                )
                self.output.error(self.failure)
                self._stop.set()
                return
            self.output.warning(
                f"{label} stopped unexpectedly ({describe_exit(code)}); restarting in {delay:g}s"
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), delay)

    async def _run_once(self, child: _Child, preexec: Callable[[], None] | None) -> int:
        spec = child.spec
        try:
            process = await asyncio.create_subprocess_exec(
                *spec.argv,
                env=dict(spec.env),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=preexec,
                limit=_LINE_LIMIT,
            )
        except OSError as error:
            self.output.error(f"{spec.label} could not start: {error}")
            child.starts += 1
            self._note_spawned()
            return 127
        child.process = process
        child.starts += 1
        self._note_spawned()
        if self._stop.is_set():
            # The stop arrived while this process was being spawned: it missed the SIGTERM.
            child.signal(signal.SIGTERM)
        pump = asyncio.create_task(self._pump(child, process))
        code = await process.wait()
        # A grandchild may hold the pipe open; do not wait on it for ever.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(pump), 2.0)
        pump.cancel()
        return code

    def _note_spawned(self) -> None:
        if all(child.starts for child in self._children):
            self._all_spawned.set()

    async def _pump(self, child: _Child, process: asyncio.subprocess.Process) -> None:
        stream = process.stdout
        if stream is None:
            return
        while True:
            try:
                raw = await stream.readuntil(b"\n")
            except asyncio.IncompleteReadError as end:
                raw = end.partial
                if raw:
                    self._print(child, raw)
                return
            except asyncio.LimitOverrunError as long_line:
                raw = await stream.read(long_line.consumed)
            self._print(child, raw)

    def _print(self, child: _Child, raw: bytes) -> None:
        text = raw.decode(errors="replace").rstrip("\r\n")
        self.output.line(child.spec.service, child.spec.label, text)

    async def _shutdown(self, tasks: list[asyncio.Task[None]], hurry: asyncio.Event) -> None:
        for child in reversed(self._children):
            child.signal(signal.SIGTERM)
        hurried = asyncio.create_task(hurry.wait())
        waiting: list[asyncio.Future[Any]] = [asyncio.gather(*tasks), hurried]
        try:
            await asyncio.wait(waiting, timeout=self.grace_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            hurried.cancel()
        for child in self._children:
            if child.alive:
                self.output.warning(f"{child.spec.label} did not stop in time; killing it")
                child.signal(signal.SIGKILL)
        await asyncio.gather(*tasks)
