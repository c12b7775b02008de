"""Which projects are between a start and an end of some span of the pipeline, anywhere: what a
process doing background work yields to (the native stage's builds yield to generations and
edits, the images stage's drawing to previews being made).

It listens to the starts and ends on plain NATS subscriptions (the events are published to the
stream's subjects; a plain subscription hears them as they are published). That is at most once:
a start it missed means no yielding, which is how the work ran before; an end it missed is
made up for by `longest_s`, after which a project no longer counts as running, so a lost end
never holds the work for good.

`quiet` says whether nothing runs and the last end is `quiet_s` old; `on_busy` and `on_quiet`
are called as that changes (a gate that stops running commands), and `until_quiet` awaits it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence

from nats.aio.client import Client
from nats.aio.msg import Msg

from appgen.events.catalog.envelope import Event
from appgen.events.catalog.subjects import parse_subject, type_filter

log = logging.getLogger(__name__)


def _nothing() -> None:
    return None


class PipelineActivity:
    """The projects between one of `starts` and one of `ends`, heard live."""

    def __init__(
        self,
        starts: Sequence[type[Event]],
        ends: Sequence[type[Event]],
        *,
        quiet_s: float = 0.5,
        longest_s: float = 120.0,
        on_busy: Callable[[], None] = _nothing,
        on_quiet: Callable[[], None] = _nothing,
    ) -> None:
        self.starts = tuple(starts)
        self.ends = tuple(ends)
        self.quiet_s = quiet_s
        self.longest_s = longest_s
        self._on_busy = on_busy
        self._on_quiet = on_quiet
        self._start_names = frozenset(t.__name__ for t in self.starts)
        # Project id -> when it stops counting as running even if its end is never heard.
        self._running: dict[str, float] = {}
        self._changed = asyncio.Event()
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._last_end = 0.0

    @property
    def running(self) -> int:
        return len(self._running)

    @property
    def quiet(self) -> bool:
        return self._quiet.is_set()

    async def until_quiet(self, at_most: float) -> bool:
        """Wait until it is quiet, for at most `at_most` seconds: whether it is."""
        if self._quiet.is_set():
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._quiet.wait(), at_most)
        return self._quiet.is_set()

    def heard(self, subject: str) -> None:
        """One start or end, by its subject."""
        try:
            project_id, type_name = parse_subject(subject)
        except ValueError:
            return
        now = time.monotonic()
        if type_name in self._start_names:
            self._running[project_id] = now + self.longest_s
            # At once, not at the settling loop's next turn: the first milliseconds of what
            # started are the ones that matter.
            self._become(quiet=False)
        elif self._running.pop(project_id, None) is not None:
            self._last_end = now
        self._changed.set()

    async def run(self, nc: Client, stop: asyncio.Event) -> None:
        """Listen until `stop`, then count as quiet (nothing is held once nobody listens)."""

        async def on_message(msg: Msg) -> None:
            self.heard(msg.subject)

        subjects = [type_filter(t) for t in self.starts + self.ends]
        subscriptions = [await nc.subscribe(subject, cb=on_message) for subject in subjects]
        try:
            while not stop.is_set():
                await self._settle(stop)
        finally:
            self._become(quiet=True)
            for subscription in subscriptions:
                with contextlib.suppress(Exception):
                    await subscription.unsubscribe()

    def _become(self, *, quiet: bool) -> None:
        if quiet == self._quiet.is_set():
            return
        if quiet:
            self._quiet.set()
            self._on_quiet()
        else:
            self._quiet.clear()
            self._on_busy()

    async def _settle(self, stop: asyncio.Event) -> None:
        """Quiet once nothing runs and the last end is `quiet_s` old; else wait for the next
        start or end, or for the earliest moment something may change."""
        now = time.monotonic()
        for project_id, until in list(self._running.items()):
            if until <= now:
                log.info(
                    "no end heard for %s in %.0f s: it counts as ended", project_id, self.longest_s
                )
                del self._running[project_id]
                self._last_end = now
        if self._running:
            wake = min(self._running.values())
        elif now - self._last_end >= self.quiet_s:
            self._become(quiet=True)
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
