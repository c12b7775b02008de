"""The one JetStream stream, created or updated idempotently when any process starts."""

from __future__ import annotations

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from appgen.events.settings import NatsSettings
from appgen.events.subjects import all_events


def stream_config(settings: NatsSettings) -> StreamConfig:
    return StreamConfig(
        name=settings.stream,
        subjects=[all_events()],
        # File storage: the stream is the durable log. How often the server fsyncs is set in the
        # server's config (`sync_interval`), see docs/architecture.md.
        storage=StorageType.FILE,
        retention=RetentionPolicy.LIMITS,
        discard=DiscardPolicy.OLD,
        duplicate_window=settings.duplicate_window_s,
        max_msg_size=settings.max_event_bytes,
        allow_direct=True,
    )


async def ensure_stream(js: JetStreamContext, settings: NatsSettings) -> None:
    config = stream_config(settings)
    try:
        await js.stream_info(settings.stream)
    except NotFoundError:
        await js.add_stream(config)
    else:
        await js.update_stream(config)
