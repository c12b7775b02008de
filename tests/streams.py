"""Reading what is in the stream, for assertions: the stream is the truth tests compare against."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from appgen.events import Event, InvalidEvent, decode
from appgen.events.catalog.subjects import all_events


async def read_events(
    js: JetStreamContext, subject: str = all_events(), *, stream: str = "APPGEN"
) -> list[tuple[int, Event]]:
    """Every event stored on `subject`, in stream order, as (position, event); messages that
    are no readable event are left out."""
    info = await js.stream_info(stream)
    if info.state.messages == 0:
        return []
    sub = await js.pull_subscribe(
        subject,
        stream=stream,
        config=ConsumerConfig(
            deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE, inactive_threshold=5.0
        ),
    )
    found: list[tuple[int, Event]] = []
    try:
        while True:
            try:
                batch = await sub.fetch(256, timeout=0.3)
            except TimeoutError:
                break
            for m in batch:
                # A message that is no event (or one of a newer version) is not an event to
                # compare against: tests that plant one look at its effects instead.
                with contextlib.suppress(InvalidEvent):
                    found.append((m.metadata.sequence.stream, decode(m.subject, m.data)))
    finally:
        await sub.unsubscribe()
    return found


async def wait_for(
    js: JetStreamContext,
    done: Callable[[list[tuple[int, Event]]], bool],
    subject: str = all_events(),
    *,
    within: float = 20.0,
) -> list[tuple[int, Event]]:
    """Poll the stream until `done(events)` holds; fail with what was there when time runs out."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        events = await read_events(js, subject)
        if done(events):
            return events
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"condition not met in {within}s; stream has {[e.type for _, e in events]}"
            )
        await asyncio.sleep(0.05)
