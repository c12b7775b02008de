"""When to try a failed request again, and how long to wait first."""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping
from typing import Protocol

import openai

# Worth another attempt: the server is busy or broke for a moment, or the network did.
RETRYABLE = (
    openai.RateLimitError,
    openai.InternalServerError,
    openai.APITimeoutError,
    openai.APIConnectionError,
)


def is_retryable(error: BaseException) -> bool:
    if isinstance(error, RETRYABLE):
        return True
    # Some servers answer 502/503/504 or 408/409 without the SDK giving them a class of their own.
    return isinstance(error, openai.APIStatusError) and error.status_code in {408, 409} | set(
        range(500, 600)
    )


class HasHeaders(Protocol):
    @property
    def headers(self) -> Mapping[str, str]: ...


def retry_after_s(response: HasHeaders | None) -> float | None:
    """The server's own wait: `Retry-After` in seconds or as an HTTP date, or `retry-after-ms`."""
    if response is None:
        return None
    headers = response.headers
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(parsed.timestamp() - time.time(), 0.0)


def backoff_s(attempt: int, *, base: float, cap: float, server_says: float | None) -> float:
    """Delay before retry `attempt` (1-based): the server's Retry-After when it gave one (capped),
    else exponential with full jitter so that many workers do not retry in step."""
    if server_says is not None:
        return min(server_says, cap) if cap > 0 else server_says
    ceiling = min(base * 2 ** (attempt - 1), cap)
    return random.uniform(ceiling / 2, ceiling)
