"""How full the event stream is: for the gateway's readiness check and for metrics.

At its limits JetStream refuses every publish (or, with `discard=old`, drops the oldest history),
so an operator must see it coming: `/readyz` reports it and says not ready past `FULL`, and the
gauges below are set whenever it is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from nats.js import JetStreamContext
from prometheus_client import Gauge

from appgen.events.transport.settings import NatsSettings

# Past this share of its byte limit, the stream counts as full for readiness.
FULL = 0.95

STREAM_MESSAGES = Gauge("appgen_stream_messages", "Messages in the event stream")
STREAM_BYTES = Gauge("appgen_stream_bytes", "Bytes in the event stream")
STREAM_MAX_BYTES = Gauge("appgen_stream_max_bytes", "The event stream's byte limit (-1: none)")


@dataclass(frozen=True)
class StreamUsage:
    messages: int
    bytes: int
    max_bytes: int
    replicas: int

    @property
    def fill(self) -> float | None:
        """Bytes used over the limit (None: no limit)."""
        return self.bytes / self.max_bytes if self.max_bytes > 0 else None

    @property
    def full(self) -> bool:
        fill = self.fill
        return fill is not None and fill >= FULL


async def stream_usage(js: JetStreamContext, settings: NatsSettings) -> StreamUsage:
    """The stream's size and limit now, also set on the gauges."""
    info = await js.stream_info(settings.stream)
    config, state = info.config, info.state
    usage = StreamUsage(
        messages=state.messages,
        bytes=state.bytes,
        max_bytes=config.max_bytes if config.max_bytes is not None else -1,
        replicas=config.num_replicas or 1,
    )
    STREAM_MESSAGES.set(usage.messages)
    STREAM_BYTES.set(usage.bytes)
    STREAM_MAX_BYTES.set(usage.max_bytes)
    return usage
