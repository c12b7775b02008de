"""Hand-backs: deliveries a stopping process returned unfinished, which are not attempts.

JetStream counts every delivery, so a message that a rolling restart or a scale-in hands back
(nak) looks like a failed attempt, and a few restarts during a long model call would fail a
healthy project. The loop records each hand-back here, in a small KV bucket keyed by consumer
and stream position, and subtracts them from the delivery count to get the attempt.
"""

from __future__ import annotations

from nats.js import JetStreamContext
from nats.js.errors import BucketNotFoundError, KeyNotFoundError
from nats.js.kv import KeyValue

from appgen.events.transport.settings import NatsSettings

# A hand-back matters only while its message can still be redelivered.
_TTL_S = 24 * 3600


class HandBacks:
    def __init__(self, kv: KeyValue) -> None:
        self._kv = kv

    @classmethod
    async def open(cls, js: JetStreamContext, settings: NatsSettings) -> HandBacks:
        bucket = f"{settings.stream}_HANDBACKS"
        try:
            kv = await js.key_value(bucket)
        except BucketNotFoundError:
            kv = await js.create_key_value(
                bucket=bucket, history=1, ttl=_TTL_S, replicas=settings.stream_replicas
            )
        return cls(kv)

    async def count(self, consumer: str, position: int) -> int:
        try:
            entry = await self._kv.get(_key(consumer, position))
        except KeyNotFoundError:
            return 0
        return int(entry.value or b"0")

    async def record(self, consumer: str, position: int) -> None:
        """One more hand-back of the message at `position` (only one process holds it now)."""
        count = await self.count(consumer, position)
        await self._kv.put(_key(consumer, position), str(count + 1).encode())


def _key(consumer: str, position: int) -> str:
    return f"{consumer}.{position}"
