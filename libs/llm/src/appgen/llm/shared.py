"""Opening the NATS key-value buckets that hold state every worker of every stage shares."""

from __future__ import annotations

import contextlib

from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType
from nats.js.errors import BadRequestError, BucketNotFoundError, NotFoundError
from nats.js.kv import KeyValue


async def open_bucket(
    js: JetStreamContext, bucket: str, *, ttl_s: float, replicas: int = 1
) -> KeyValue:
    """The bucket, created on first use (with `replicas` copies, the stream's on a cluster, so
    losing one node does not stall model calls). Two workers creating it at once is harmless."""
    with contextlib.suppress(BucketNotFoundError, NotFoundError):
        return await js.key_value(bucket)
    config = KeyValueConfig(
        bucket=bucket, ttl=ttl_s, storage=StorageType.FILE, history=1, replicas=replicas
    )
    try:
        return await js.create_key_value(config)
    except BadRequestError:
        # Another worker made it first (perhaps with another TTL): use theirs.
        return await js.key_value(bucket)
