"""Batched direct gets: the stream's next messages on a subject in one round trip, no consumer.

nats-server answers `$JS.API.DIRECT.GET.<stream>` with `{"seq", "next_by_subj", "batch"}` by
sending up to `batch` messages to the reply subject, then `204 EOB` (or `404` when there is none).
nats-py has no call for it, so it is made here; one request replaces a round trip per message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import nats.errors
from nats.aio.client import Client

_STATUS = "Status"
_SEQUENCE = "Nats-Sequence"
_SUBJECT = "Nats-Subject"
_END_OF_BATCH = "204"
_NOT_FOUND = "404"
_PENDING = "Nats-Num-Pending"


class DirectGetFailed(RuntimeError):
    """The server refused the request (a status other than the end of a batch or none found)."""


@dataclass(frozen=True)
class Batch:
    """What one request returned, and whether the stream holds more on the subject after it."""

    messages: list[Stored]
    more: bool


@dataclass(frozen=True)
class Stored:
    """One stored message as a direct get returns it."""

    seq: int
    subject: str
    data: bytes


async def next_messages(
    nc: Client, stream: str, subject: str, start: int, *, batch: int, timeout_s: float = 5.0
) -> Batch:
    """Up to `batch` messages on `subject` (a filter) from sequence `start` on, in order.

    `more` comes from the server's own count of what is left (`Nats-Num-Pending` on the end of
    the batch), so a batch the server cut short for any reason is never taken for the end.
    """
    inbox = nc.new_inbox()
    subscription = await nc.subscribe(inbox, pending_msgs_limit=-1, pending_bytes_limit=-1)
    try:
        request = {"seq": start, "next_by_subj": subject, "batch": batch}
        await nc.publish(f"$JS.API.DIRECT.GET.{stream}", json.dumps(request).encode(), reply=inbox)
        found: list[Stored] = []
        while True:
            try:
                msg = await subscription.next_msg(timeout=timeout_s)
            except nats.errors.TimeoutError:
                raise DirectGetFailed(f"no answer to a direct get on {stream}") from None
            headers = msg.headers or {}
            status = headers.get(_STATUS)
            if status == _NOT_FOUND:
                return Batch(found, more=False)
            if status == _END_OF_BATCH:
                pending = headers.get(_PENDING, "")
                more = int(pending) > 0 if pending.isdigit() else len(found) >= batch
                return Batch(found, more=more and bool(found))
            if status is not None:
                raise DirectGetFailed(f"direct get on {stream}: {status} {headers}")
            found.append(Stored(int(headers[_SEQUENCE]), headers[_SUBJECT], msg.data))

    finally:
        await subscription.unsubscribe()
