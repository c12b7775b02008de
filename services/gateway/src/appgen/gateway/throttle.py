"""Throttling of failed key and token presentations, per client address, in this process.

After `limit` failures within `window_s` a client is refused (429 with `Retry-After`) until the
oldest of them leaves the window. Each gateway process counts on its own: behind N processes a
client gets up to N times the limit, which still turns guessing into a crawl; what it guards is
guessing and the database work each guess costs, not the secrets (256 random bits, unguessable).
Behind a proxy every client shares the proxy's address unless uvicorn is told to trust its
`X-Forwarded-For` (`--forwarded-allow-ips`).
"""

from __future__ import annotations

import math
import time
from collections import deque

_MAX_CLIENTS = 100_000


class FailureThrottle:
    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, client: str, now: float) -> deque[float] | None:
        failures = self._failures.get(client)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        if not failures:
            del self._failures[client]
            return None
        return failures

    def retry_after(self, client: str, *, now: float | None = None) -> int | None:
        """Seconds until `client` may present a credential again, or None if it may now."""
        moment = time.monotonic() if now is None else now
        failures = self._recent(client, moment)
        if failures is None or len(failures) < self.limit:
            return None
        return max(1, math.ceil(failures[-self.limit] + self.window_s - moment))

    def failed(self, client: str, *, now: float | None = None) -> None:
        moment = time.monotonic() if now is None else now
        if client not in self._failures and len(self._failures) >= _MAX_CLIENTS:
            self._forget_quiet(moment)
        self._failures.setdefault(client, deque(maxlen=self.limit)).append(moment)

    def _forget_quiet(self, now: float) -> None:
        for client in list(self._failures):
            self._recent(client, now)
