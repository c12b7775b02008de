"""JetStream's atomic batch publish (nats-server 2.12 and later), which nats-py does not wrap.

Every message of a batch carries the batch's id and its place in it; the last one also carries
the commit, and only that one is answered. The stream stores all of them, at consecutive
positions and in order, when the commit arrives, or none of them. So a connection lost halfway
leaves nothing behind (the server drops a batch that never commits), and nothing can land
between them or out of order.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nats.aio.client import Client

BATCH_ID = "Nats-Batch-Id"
BATCH_SEQUENCE = "Nats-Batch-Sequence"
BATCH_COMMIT = "Nats-Batch-Commit"
# The most messages the server takes in one batch.
MAX_BATCH = 1000


@dataclass(frozen=True)
class BatchMessage:
    subject: str
    data: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True)
class BatchStored:
    """The stream's answer to a committed batch: the position of its last message, and how
    many it stored (None from a server that does not know batches, see `_stored`)."""

    last: int
    count: int | None


class BatchRefused(Exception):
    """The stream stored none of the batch; `code` is JetStream's error code (10201: it holds
    one of the batch's message ids already)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{description} ({code})")
        self.code = code


async def publish_batch(
    nc: Client, messages: Sequence[BatchMessage], *, answer_within_s: float
) -> BatchStored:
    """Publish `messages` as one atomic batch and wait for the stream's answer to its commit.

    Raises `BatchRefused` when the stream stored none of it, and nats-py's timeout when no
    answer came (then the batch may or may not be stored, as with any publish whose ack is
    lost: a retry with the same message ids is the way to find out)."""
    if not messages:
        raise ValueError("an empty batch")
    if len(messages) > MAX_BATCH:
        raise ValueError(f"{len(messages)} messages, over the {MAX_BATCH} a batch may hold")
    batch_id = uuid.uuid4().hex
    last = len(messages)
    for sequence, message in enumerate(messages, start=1):
        headers = {
            **message.headers,
            BATCH_ID: batch_id,
            BATCH_SEQUENCE: str(sequence),
        }
        if sequence < last:
            # Unanswered: a message the stream cannot take fails the commit instead.
            await nc.publish(message.subject, message.data, headers=headers)
            continue
        headers[BATCH_COMMIT] = "1"
        reply = await nc.request(
            message.subject, message.data, timeout=answer_within_s, headers=headers
        )
    return _stored(json.loads(reply.data))


def _stored(answer: dict[str, object]) -> BatchStored:
    error = answer.get("error")
    if isinstance(error, dict):
        raise BatchRefused(int(error.get("err_code") or 0), str(error.get("description", "")))
    count = answer.get("count")
    last = answer.get("seq")
    if not isinstance(last, int):
        raise BatchRefused(0, f"the stream's answer has no position: {answer}")
    # A server that does not know atomic batches ignores their headers: it stores each message
    # as it comes and answers the last one like any publish (in order all the same, as one
    # connection sends them, but not all or nothing).
    return BatchStored(last, count if isinstance(count, int) else None)
