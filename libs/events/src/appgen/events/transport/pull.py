"""Pull requests to one JetStream consumer, answered on one inbox that stays open.

Why not nats-py's `fetch()`: with a batch above one it first sends a `no_wait` request, and its
pull requests can outlive the call. The next `fetch` then takes a message from a leftover
request and waits for "the rest" until that request's 408 arrives, so a message that reached the
client in 2 ms was handed to the stage half a second later (measured: p99 519 ms). Here every
message that arrives on the inbox is handed on the moment it arrives, whichever request it
answers, and the requests are counted as one total the server owes: the server rotates between
open requests, so no single request can be charged with a message.

Status messages: 100 (idle heartbeat) says the requests are alive; 408 ends a request, its
`Nats-Pending-Messages` saying how many it still owed; 404 only answers `no_wait`, which is never
sent. Anything else (409 "Consumer Deleted", "Leadership Change", 503, 400) means the requests
cannot be trusted, and the owner starts over (`Puller.failed`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

_NS = 1_000_000_000
STATUS = "Status"
DESCRIPTION = "Description"
PENDING_MESSAGES = "Nats-Pending-Messages"
LAST_CONSUMER = "Nats-Last-Consumer"
_HEARTBEAT = "100"
_EXPIRED = "408"
_NO_MESSAGES = "404"


class PullFailed(Exception):
    """The server said the requests are gone or wrong; start over."""


class Puller:
    """Sends pull requests for `consumer` and hands each message to `on_message` as it arrives.

    `on_heartbeat(last_consumer_sequence)` hears each idle heartbeat (an ordered reader checks
    that it has missed nothing). Use as `async with Puller(...) as puller: puller.request(n)`.
    """

    def __init__(
        self,
        nc: Client,
        stream: str,
        consumer: str,
        *,
        on_message: Callable[[Msg], None],
        on_heartbeat: Callable[[int | None], None] | None = None,
        expires_s: float = 30.0,
        heartbeat_s: float = 1.0,
    ) -> None:
        if heartbeat_s * 2 > expires_s:
            raise ValueError("the server refuses a heartbeat over half of expires")
        self._nc = nc
        self._subject = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}"
        self._on_message = on_message
        self._on_heartbeat = on_heartbeat
        self._expires_ns = int(expires_s * _NS)
        self._heartbeat_ns = int(heartbeat_s * _NS)
        self.heartbeat_s = heartbeat_s
        self._inbox = nc.new_inbox()
        self._subscription: Subscription | None = None
        self._reconnects = 0
        self.owed = 0
        self.heard = time.monotonic()
        self.failed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # Set whenever the server owes less than before: a request ended, or a message arrived.
        self.changed = asyncio.Event()

    async def __aenter__(self) -> Puller:
        self._reconnects = self._nc.stats.get("reconnects", 0)
        self._subscription = await self._nc.subscribe(
            self._inbox, cb=self._receive, pending_msgs_limit=-1, pending_bytes_limit=-1
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.failed.done() and not self.failed.cancelled():
            self.failed.exception()  # retrieved: the owner has already acted on it
        self.failed.cancel()
        if self._subscription is not None:
            with contextlib.suppress(Exception):
                await self._subscription.unsubscribe()

    async def request(self, count: int) -> None:
        """Ask for up to `count` more messages (delivered as they are stored, up to `expires`)."""
        if count <= 0:
            return
        if self.owed == 0:
            self.heard = time.monotonic()
        self.owed += count
        body = {"batch": count, "expires": self._expires_ns, "idle_heartbeat": self._heartbeat_ns}
        await self._nc.publish(self._subject, json.dumps(body).encode(), reply=self._inbox)

    def check(self) -> None:
        """Raise `PullFailed` if the requests cannot be trusted any more: the server said so,
        the connection was re-established (its requests died with the old one), or nothing at
        all (not even a heartbeat) was heard for 2.5 heartbeats while messages are owed."""
        if self.failed.done():
            self.failed.result()
        if self._nc.stats.get("reconnects", 0) != self._reconnects:
            raise PullFailed("the connection to NATS was re-established")
        silence = time.monotonic() - self.heard
        if self.owed > 0 and silence > self.heartbeat_s * 2.5:
            raise PullFailed(f"no message or heartbeat for {silence:.1f}s")

    async def wait(self, within_s: float) -> None:
        """Until the server owes less (since the caller last cleared `changed`), a request
        fails, or `within_s` passes. The caller clears `changed` before it looks at what
        arrived, so nothing that arrives while it works is missed."""
        changed: asyncio.Future[Any] = asyncio.ensure_future(self.changed.wait())
        waits: list[asyncio.Future[Any]] = [changed, self.failed]
        try:
            await asyncio.wait(waits, timeout=within_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            changed.cancel()

    async def _receive(self, msg: Msg) -> None:
        self.heard = time.monotonic()
        headers = msg.headers
        status = headers.get(STATUS) if headers else None
        if status is None:
            self.owed = max(self.owed - 1, 0)
            self.changed.set()
            try:
                self._on_message(msg)
            except PullFailed as error:
                self._fail(error)
            return
        assert headers is not None
        if status == _HEARTBEAT:
            if self._on_heartbeat is not None:
                last = headers.get(LAST_CONSUMER)
                try:
                    self._on_heartbeat(int(last) if last and last.isdigit() else None)
                except PullFailed as error:
                    self._fail(error)
            return
        if status in (_EXPIRED, _NO_MESSAGES):
            pending = headers.get(PENDING_MESSAGES, "")
            self.owed = max(self.owed - int(pending), 0) if pending.isdigit() else 0
            self.changed.set()
            return
        self._fail(PullFailed(f"the server said {status} {headers.get(DESCRIPTION, '')}".strip()))

    def _fail(self, error: PullFailed) -> None:
        if not self.failed.done():
            self.failed.set_exception(error)
        self.changed.set()
