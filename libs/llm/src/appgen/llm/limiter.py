"""A concurrency limit per endpoint that holds across every worker of every stage.

Each endpoint has `limit` slots, keys `<endpoint>.<n>` in a NATS KV bucket. A call takes a slot
with an atomic create (which fails if the key exists), keeps it alive by updating it while the
call runs, and deletes it when done. The bucket's TTL frees the slot of a worker that died
holding it. An in-process semaphore would only bound one process; this bounds them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import random
import socket
from collections.abc import AsyncIterator

from nats.js import JetStreamContext
from nats.js.errors import KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from appgen.llm.shared import open_bucket

log = logging.getLogger(__name__)

BUCKET = "APPGEN_LLM_SLOTS"
_POLL_S = (0.01, 0.1)


class EndpointLimiter:
    def __init__(self, kv: KeyValue, endpoint: str, limit: int, ttl_s: float) -> None:
        self._kv = kv
        self._prefix = "ep" + hashlib.sha256(endpoint.encode()).hexdigest()[:16]
        self.limit = limit
        self._ttl_s = ttl_s
        self._holder = f"{socket.gethostname()}:{os.getpid()}".encode()

    @classmethod
    async def open(
        cls, js: JetStreamContext, endpoint: str, *, limit: int, ttl_s: float, replicas: int = 1
    ) -> EndpointLimiter:
        bucket = await open_bucket(js, BUCKET, ttl_s=ttl_s, replicas=replicas)
        return cls(bucket, endpoint, limit, ttl_s)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the endpoint's slots for the block; waits while all are taken."""
        key, revision = await self._acquire()
        keeper = asyncio.create_task(self._keep(key, revision))
        try:
            yield
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            with contextlib.suppress(Exception):
                await self._kv.delete(key)

    async def in_use(self) -> int:
        """How many slots are held right now (for tests and metrics)."""
        held = 0
        for index in range(self.limit):
            with contextlib.suppress(Exception):
                entry = await self._kv.get(self._key(index))
                held += entry.value is not None and entry.operation is None
        return held

    def _key(self, index: int) -> str:
        return f"{self._prefix}.{index}"

    async def _acquire(self) -> tuple[str, int]:
        while True:
            for index in random.sample(range(self.limit), self.limit):
                key = self._key(index)
                try:
                    return key, await self._kv.create(key, self._holder)
                except KeyWrongLastSequenceError:
                    continue
            await asyncio.sleep(random.uniform(*_POLL_S))

    async def _keep(self, key: str, revision: int) -> None:
        # Refreshing well inside the TTL keeps a long call's slot from expiring under it.
        while True:
            await asyncio.sleep(self._ttl_s / 3)
            try:
                revision = await self._kv.update(key, self._holder, last=revision)
            except Exception as error:
                log.warning("could not refresh LLM slot %s: %s", key, error)
