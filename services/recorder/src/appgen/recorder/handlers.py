"""What the recorder does with a batch read from the stream: events to store, the rest kept aside."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from appgen.events import (
    Event,
    InvalidEvent,
    PreviewReady,
    ProjectCompleted,
    ProjectLog,
    ProjectRequested,
    decode,
    metrics,
)
from appgen.events.tail import StreamMessage
from appgen.store import Unreadable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Batch:
    """A run of consecutive stream positions, sorted into what is stored and what is kept aside."""

    records: list[tuple[int, Event]]
    unreadable: list[Unreadable]
    last: int


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
    return Batch(records, unreadable, messages[-1].position)


async def observe(log_: ProjectLog, inserted: Sequence[tuple[int, Event]]) -> None:
    """Time to preview and to completion, once per project: the recorder stores each event once,
    whichever service published the milestone."""
    for _, event in inserted:
        if not isinstance(event, PreviewReady | ProjectCompleted) or event.metadata.copied_from:
            continue
        request = await log_.latest(event.project_id, ProjectRequested)
        if request is None:
            continue
        seconds = (event.occurred_at - request[1].occurred_at).total_seconds()
        histogram = (
            metrics.TIME_TO_PREVIEW
            if isinstance(event, PreviewReady)
            else metrics.TIME_TO_COMPLETION
        )
        histogram.observe(max(seconds, 0.0))
