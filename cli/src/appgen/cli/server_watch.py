"""Keeps the servers `appgen up` started running: a nats-server or PostgreSQL that exits is
started again on the same ports and data folder, with the services' back-off and limit.

The services need nothing from this: their NATS connections reconnect for ever and their
database pools retry, so they carry on once the server is back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from appgen.cli.output import Output
from appgen.cli.restart import CrashHistory, RestartPolicy

_POLL_S = 0.2


class Server(Protocol):
    """An embedded server: whether its process runs, and a blocking start on its own ports and
    folder (`NatsServer`, `PostgresServer`)."""

    @property
    def running(self) -> bool: ...

    def start(self) -> object: ...


@dataclass
class ServerWatch:
    """Polls each server; one that stopped is started again after a back-off.

    `policy` deaths within its window stop the stack (as for a service), with `failure` saying
    why. `on_restart` runs after each restart (to record the new pids).
    """

    servers: Mapping[str, Server]
    output: Output
    policy: RestartPolicy = field(default_factory=RestartPolicy)
    on_restart: Callable[[], None] = lambda: None
    poll_s: float = _POLL_S
    failure: str | None = None
    restarts: dict[str, int] = field(default_factory=dict)

    async def run(self, stop: asyncio.Event) -> str | None:
        """Watch until `stop` is set (or set it on giving up); None, or why it gave up."""
        await asyncio.gather(*(self._watch(label, stop) for label in self.servers))
        return self.failure

    async def _watch(self, label: str, stop: asyncio.Event) -> None:
        server = self.servers[label]
        history = CrashHistory(self.policy)
        loop = asyncio.get_running_loop()
        while not await _stopped_within(stop, self.poll_s):
            if server.running:
                continue
            delay = history.died(loop.time())
            if delay is None:
                self.failure = (
                    f"{label} died {history.recent} times within {self.policy.window_s:.0f}s; "
                    "stopping the stack"
                )
                self.output.error(self.failure)
                stop.set()
                return
            self.output.warning(f"{label} stopped unexpectedly; restarting it in {delay:g}s")
            if await _stopped_within(stop, delay):
                return
            try:
                await asyncio.to_thread(server.start)
            except Exception as error:
                # Counted as a death on the next look (it is still not running).
                self.output.warning(f"{label} could not start: {type(error).__name__}: {error}")
                continue
            self.restarts[label] = self.restarts.get(label, 0) + 1
            self.output.notice(f"{label} is running again")
            self.on_restart()


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()
