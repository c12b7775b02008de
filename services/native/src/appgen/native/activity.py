"""Builds wait while generations run: the gate of the native stage's builds, closed from the
moment a generation or an edit starts anywhere until every one has ended and a short quiet has
passed (`appgen.render.gate` stops a running build and holds a new one).

It listens to the starts and ends on plain NATS subscriptions (the events are published to the
stream's subjects; a plain subscription hears them as they are published). That is at most once:
a start it missed leaves the gate open, which is how builds ran before; an end it missed is
made up for by `longest_s`, after which a project no longer counts as running, so a lost end
never holds builds for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from nats.aio.client import Client
from nats.aio.msg import Msg

from appgen.events import (
    EditApplied,
    EditRejected,
    EditRequested,
    Event,
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
)
from appgen.events.catalog.subjects import parse_subject, type_filter
from appgen.render.gate import Gate

log = logging.getLogger(__name__)

# A fork or a resume may or may not run stages: counted as starts, one whose end never comes
# would hold builds for `longest_s`. Not counting them lets their builds run as before.
STARTS: tuple[type[Event], ...] = (ProjectRequested, EditRequested)
ENDS: tuple[type[Event], ...] = (ProjectCompleted, ProjectFailed, EditApplied, EditRejected)
_START_NAMES = frozenset(t.__name__ for t in STARTS)


class PipelineActivity:
    """Keeps `gate` closed while any project has a generation or an edit running."""

    def __init__(self, gate: Gate, *, quiet_s: float = 0.5, longest_s: float = 120.0) -> None:
        self.gate = gate
        self.quiet_s = quiet_s
        self.longest_s = longest_s
        # Project id -> when it stops counting as running even if its end is never heard.
        self._running: dict[str, float] = {}
        self._changed = asyncio.Event()
        self._last_end = 0.0

    @property
    def running(self) -> int:
        return len(self._running)

    def heard(self, subject: str) -> None:
        """One start or end, by its subject."""
        try:
            project_id, type_name = parse_subject(subject)
        except ValueError:
            return
        now = time.monotonic()
        if type_name in _START_NAMES:
            self._running[project_id] = now + self.longest_s
            self.gate.close()
        elif self._running.pop(project_id, None) is not None:
            self._last_end = now
        self._changed.set()

    async def run(self, nc: Client, stop: asyncio.Event) -> None:
        """Listen until `stop`, then leave the gate open."""

        async def on_message(msg: Msg) -> None:
            self.heard(msg.subject)

        subscriptions = [await nc.subscribe(type_filter(t), cb=on_message) for t in STARTS + ENDS]
        try:
            while not stop.is_set():
                await self._settle(stop)
        finally:
            self.gate.open()
            for subscription in subscriptions:
                with contextlib.suppress(Exception):
                    await subscription.unsubscribe()

    async def _settle(self, stop: asyncio.Event) -> None:
        """Open the gate once nothing runs and the last end is `quiet_s` old; else wait for
        the next start or end, or for the earliest moment something may change."""
        now = time.monotonic()
        for project_id, until in list(self._running.items()):
            if until <= now:
                log.info("no end heard for %s in %.0f s: builds go on", project_id, self.longest_s)
                del self._running[project_id]
                self._last_end = now
        if self._running:
            wake = min(self._running.values())
        elif now - self._last_end >= self.quiet_s:
            self.gate.open()
            wake = now + 3600.0
        else:
            wake = self._last_end + self.quiet_s
        self._changed.clear()
        stopping = asyncio.ensure_future(stop.wait())
        changing = asyncio.ensure_future(self._changed.wait())
        try:
            await asyncio.wait(
                {stopping, changing},
                timeout=max(wake - time.monotonic(), 0.0),
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            stopping.cancel()
            changing.cancel()
