"""What the recorder does with a batch read from the stream: events to store, the rest kept aside."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from appgen.events import (
    Event,
    InvalidEvent,
    PreviewReady,
    ProjectCompleted,
    ProjectLog,
    ProjectRequested,
    decode,
)
from appgen.events.read.tail import StreamMessage
from appgen.events.transport import metrics
from appgen.store import Unreadable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Batch:
    """A run of consecutive stream positions, sorted into what is stored and what is kept aside."""

    records: list[tuple[int, Event]]
    unreadable: list[Unreadable]
    last: int
    # Each event's JSON as published, stored as it is.
    raw: dict[int, bytes]

    @staticmethod
    def join(parts: Sequence[Batch]) -> Batch:
        """Batches that follow each other in the stream, as one (copied once, not pairwise)."""
        if len(parts) == 1:
            return parts[0]
        raw: dict[int, bytes] = {}
        for part in parts:
            raw.update(part.raw)
        return Batch(
            [record for part in parts for record in part.records],
            [message for part in parts for message in part.unreadable],
            parts[-1].last,
            raw,
        )


def sort_batch(messages: Sequence[StreamMessage]) -> Batch:
    """Decode each message; one that is not a valid event (a type or field this version does not
    know) is kept as it was, so the mark can pass it without losing it."""
    records: list[tuple[int, Event]] = []
    unreadable: list[Unreadable] = []
    for message in messages:
        try:
            records.append((message.position, decode(message.subject, message.data)))
        except InvalidEvent as error:
            log.error("keeping the unreadable message at %d aside: %s", message.position, error)
            unreadable.append(
                Unreadable(message.position, message.subject, message.data, str(error))
            )
    raw = {message.position: message.data for message in messages}
    return Batch(records, unreadable, messages[-1].position, raw)


class Milestones:
    """Time to preview and to completion, observed once per project: the recorder stores each
    event once, whichever service published the milestone.

    The request's time is remembered as the recorder stores it (a bounded memory, so reading the
    log is needed only for a project requested before this process started).
    """

    def __init__(self, log_: ProjectLog, *, remember: int = 50_000) -> None:
        self._log = log_
        self._remember = remember
        self._requested: dict[str, datetime] = {}

    async def observe(self, inserted: Sequence[tuple[int, Event]]) -> None:
        for _, event in inserted:
            if isinstance(event, ProjectRequested):
                self._requested[event.project_id] = event.occurred_at
                if len(self._requested) > self._remember:
                    del self._requested[next(iter(self._requested))]
                continue
            if not isinstance(event, PreviewReady | ProjectCompleted):
                continue
            if event.metadata.copied_from:
                continue
            requested = await self._requested_at(event.project_id)
            if requested is None:
                continue
            seconds = (event.occurred_at - requested).total_seconds()
            histogram = (
                metrics.TIME_TO_PREVIEW
                if isinstance(event, PreviewReady)
                else metrics.TIME_TO_COMPLETION
            )
            histogram.observe(max(seconds, 0.0))

    async def _requested_at(self, project_id: str) -> datetime | None:
        if project_id in self._requested:
            return self._requested[project_id]
        found = await self._log.latest(project_id, ProjectRequested)
        return found[1].occurred_at if found is not None else None
