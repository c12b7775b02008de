"""Content-addressed blob store for binary files (images), kept in a JetStream object store."""

from __future__ import annotations

import hashlib

from nats.js.api import ObjectStoreConfig, StorageType
from nats.js.errors import BucketNotFoundError, NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

from appgen.events.transport.bus import EventBus


class BlobStore:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    @classmethod
    async def open(cls, bus: EventBus) -> BlobStore:
        bucket = bus.settings.blob_bucket
        try:
            store = await bus.js.object_store(bucket)
        except (BucketNotFoundError, NotFoundError):
            store = await bus.js.create_object_store(
                bucket,
                # As many copies as the events that name the blobs.
                ObjectStoreConfig(
                    bucket=bucket,
                    storage=StorageType.FILE,
                    replicas=bus.settings.stream_replicas,
                ),
            )
        return cls(store)

    async def put(self, data: bytes) -> str:
        """Store `data` under its SHA-256 and return the hash; storing it twice is harmless."""
        digest = hashlib.sha256(data).hexdigest()
        try:
            await self._store.get_info(digest)
        except (ObjectNotFoundError, NotFoundError):
            await self._store.put(digest, data)
        return digest

    async def get(self, digest: str) -> bytes | None:
        try:
            result = await self._store.get(digest)
        except (ObjectNotFoundError, NotFoundError):
            return None
        return result.data
