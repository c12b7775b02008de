"""The connection to NATS and the one way events are published."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.errors import APIError

from appgen.events.catalog.codec import encode
from appgen.events.catalog.envelope import Event
from appgen.events.catalog.permissions import inbox_prefix
from appgen.events.catalog.subjects import subject_for
from appgen.events.read.log import ProjectLog, StreamLog
from appgen.events.transport import metrics
from appgen.events.transport.atomic import BatchMessage, BatchRefused, publish_batch
from appgen.events.transport.settings import NatsSettings
from appgen.events.transport.stream import await_stream
from appgen.events.transport.trace import TRACEPARENT, traceparent

log = logging.getLogger(__name__)

MSG_ID = "Nats-Msg-Id"
EXPECTED_LAST_SUBJECT_SEQUENCE = "Nats-Expected-Last-Subject-Sequence"
# How long a publish waits for the stream's ack (nats-py's JetStream default).
ACK_TIMEOUT_S = 5.0
# JetStream's error code for a publish whose expected last sequence did not hold.
_WRONG_LAST_SEQUENCE = 10071


class EventTooLarge(ValueError):
    pass


class PositionMoved(Exception):
    """A conditional publish found another event of its type and project after the expected one."""


@dataclass(frozen=True)
class Published:
    """The stream's ack of a publish."""

    position: int
    # The stream held this event id already (JetStream's `Nats-Msg-Id` window): nothing was
    # written, and `position` is where the earlier copy stands. That copy may be another
    # writer's event that happens to share the id.
    duplicate: bool


class EventBus:
    """Publishes events to JetStream, deduplicated by event id."""

    def __init__(self, nc: Client, js: JetStreamContext, settings: NatsSettings) -> None:
        self.nc = nc
        self.js = js
        self.settings = settings
        # What this process reads a project's history through: the stream itself. A process
        # that also holds the store (the gateway) reads through `appgen.store.StoredLog`.
        self.log: ProjectLog = StreamLog(nc, settings)

    async def publish(self, event: Event, *, expected_last: int | None = None) -> int:
        """Publish and wait for the stream's ack; returns the event's position (stream sequence).

        With `expected_last`, publish only if the project's last event of this type stands at
        that position (0: it has none yet), else raise PositionMoved: an optimistic check that
        orders writers across processes without a lock.
        """
        return (await self.publish_acked(event, expected_last=expected_last)).position

    async def publish_acked(self, event: Event, *, expected_last: int | None = None) -> Published:
        """`publish`, answering with the whole ack: whether the stream wrote this event or
        already held its id. JetStream judges the id before `expected_last`, so a duplicate is
        answered as one (never as PositionMoved) while the id is in its window."""
        message = self.message_of(event)
        headers = dict(message.headers)
        if expected_last is not None:
            headers[EXPECTED_LAST_SUBJECT_SEQUENCE] = str(expected_last)
        try:
            ack = await self.js.publish(message.subject, message.data, headers=headers)
        except APIError as error:
            if error.err_code == _WRONG_LAST_SEQUENCE:
                raise PositionMoved(str(error.description)) from error
            raise
        if ack.duplicate:
            metrics.DUPLICATES_DROPPED.labels(event.type).inc()
        else:
            metrics.count_published(event)
        return Published(ack.seq, bool(ack.duplicate))

    async def publish_together(self, events: Sequence[Event]) -> None:
        """Store `events` at consecutive positions, in order, all at once: one atomic batch and
        one acknowledgement (`atomic.py`), so no reader ever sees some of them without the rest.

        A batch is all or nothing, and JetStream refuses a whole batch that holds an id it has
        stored already. What was refused is then published one at a time, each id deduplicated
        on its own: a retry of a batch that was stored, or of outputs an older version stored
        one by one, stores exactly what is missing, in order."""
        if len(events) < 2:
            await self.publish_all(events)
            return
        messages = [self.message_of(event) for event in events]
        try:
            await publish_batch(self.nc, messages, answer_within_s=ACK_TIMEOUT_S)
        except BatchRefused as refused:
            log.info(
                "a batch of %d was refused (%s); publishing one at a time", len(events), refused
            )
            await self.publish_all(events)
            return
        for event in events:
            metrics.count_published(event)

    def message_of(self, event: Event) -> BatchMessage:
        """An event as the stream stores it: subject, JSON, its id (and trace) in headers."""
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
        return BatchMessage(subject_for(event), data, headers)

    async def publish_all(self, events: Sequence[Event]) -> list[int]:
        return [await self.publish(event) for event in events]


def server_urls(nats_url: str) -> list[str]:
    """The servers `APPGEN_NATS_URL` names: one URL, or a cluster's URLs separated by commas
    (the client fails over between them)."""
    return [url.strip() for url in nats_url.split(",") if url.strip()]


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
        server_urls(settings.nats_url),
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        disconnected_cb=on_disconnect,
        reconnected_cb=on_reconnect,
        error_cb=on_error,
        # This service's own user, and the inbox its permissions let it hear replies on.
        user=settings.nats_user,
        password=settings.nats_secret(),
        inbox_prefix=inbox_prefix(settings.nats_user),
    )
    return client


@asynccontextmanager
async def open_bus(settings: NatsSettings, *, name: str) -> AsyncIterator[EventBus]:
    """Connect, make sure the stream exists, and drain the connection on the way out."""
    nc = await connect(settings, name=name)
    try:
        js = nc.jetstream(timeout=ACK_TIMEOUT_S)
        await await_stream(js, settings)
        yield EventBus(nc, js, settings)
    finally:
        if nc.is_connected:
            await nc.drain()
        else:
            await nc.close()
