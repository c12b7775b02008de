"""The connection to NATS and the one way events are published."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TypeVar

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from appgen.events import metrics
from appgen.events.codec import decode, encode
from appgen.events.envelope import Event
from appgen.events.settings import NatsSettings
from appgen.events.stream import ensure_stream
from appgen.events.subjects import project_filter, subject_for, subject_of
from appgen.events.trace import TRACEPARENT, traceparent

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)

MSG_ID = "Nats-Msg-Id"


class EventTooLarge(ValueError):
    pass


class EventBus:
    """Publishes events to JetStream, deduplicated by event id."""

    def __init__(self, nc: Client, js: JetStreamContext, settings: NatsSettings) -> None:
        self.nc = nc
        self.js = js
        self.settings = settings

    async def publish(self, event: Event) -> int:
        """Publish and wait for the stream's ack; returns the event's position (stream sequence)."""
        data = encode(event)
        if len(data) > self.settings.max_event_bytes:
            raise EventTooLarge(
                f"{event.type} for {event.project_id} is {len(data)} bytes, over the "
                f"{self.settings.max_event_bytes}-byte limit"
            )
        headers = {MSG_ID: str(event.event_id)}
        parent = traceparent(event)
        if parent is not None:
            headers[TRACEPARENT] = parent
        ack = await self.js.publish(subject_for(event), data, headers=headers)
        if ack.duplicate:
            metrics.DUPLICATES_DROPPED.labels(event.type).inc()
        else:
            metrics.count_published(event)
        return ack.seq

    async def latest(self, project_id: str, event_type: type[E]) -> E | None:
        """The project's most recent event of a type, read straight from the stream.

        Stages use this to read facts published earlier (the spec, the other branch's
        completion) without keeping state of their own.
        """
        try:
            raw = await self.js.get_last_msg(
                self.settings.stream, subject_of(project_id, event_type)
            )
        except NotFoundError:
            return None
        if raw.data is None:
            return None
        return event_type.model_validate_json(raw.data)

    async def last(self, project_id: str, event_type: type[E]) -> tuple[int, E] | None:
        """Like `latest`, with the event's position, to order facts of different types."""
        try:
            raw = await self.js.get_last_msg(
                self.settings.stream, subject_of(project_id, event_type)
            )
        except NotFoundError:
            return None
        if raw.data is None or raw.seq is None:
            return None
        return raw.seq, event_type.model_validate_json(raw.data)

    async def project_events(self, project_id: str, *, after: int = 0) -> list[tuple[int, Event]]:
        """The project's events after a position, straight from the stream, in order.

        Direct gets, one per event, so no consumer is made: for the few dozen events of one
        project when a stage resumes, not for bulk reads (the store serves those).
        """
        found: list[tuple[int, Event]] = []
        seq = after + 1
        while True:
            try:
                raw = await self.js.get_msg(
                    self.settings.stream,
                    seq=seq,
                    subject=project_filter(project_id),
                    direct=True,
                    next=True,
                )
            except NotFoundError:
                return found
            if raw.seq is None or raw.subject is None:
                return found
            found.append((raw.seq, decode(raw.subject, raw.data or b"")))
            seq = raw.seq + 1

    async def publish_all(self, events: Sequence[Event]) -> list[int]:
        return [await self.publish(event) for event in events]


async def connect(settings: NatsSettings, *, name: str) -> Client:
    client: Client | None = None

    async def on_disconnect() -> None:
        # nats-py calls this for a deliberate close too; only a lost connection is worth a warning.
        if client is not None and (client.is_closed or client.is_draining):
            log.debug("NATS connection closed")
            return
        log.warning("disconnected from NATS; reconnecting")

    async def on_reconnect() -> None:
        log.info("reconnected to NATS")

    async def on_error(error: Exception) -> None:
        log.warning("NATS error: %s", error)

    # nats-py gives up reconnecting after about two minutes by default; a service must not.
    client = await nats.connect(
        settings.nats_url,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        disconnected_cb=on_disconnect,
        reconnected_cb=on_reconnect,
        error_cb=on_error,
    )
    return client


@asynccontextmanager
async def open_bus(settings: NatsSettings, *, name: str) -> AsyncIterator[EventBus]:
    """Connect, make sure the stream exists, and drain the connection on the way out."""
    nc = await connect(settings, name=name)
    try:
        js = nc.jetstream()
        await ensure_stream(js, settings)
        yield EventBus(nc, js, settings)
    finally:
        if nc.is_connected:
            await nc.drain()
        else:
            await nc.close()
