"""A project's events over the gateway's WebSocket, for terminal commands.

A dropped connection is reopened with `since` = the last position seen (docs/protocol.md, "Cursor
rules"), so the caller gets every event once, in order, whatever happens to the socket.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import quote

import websockets
from websockets.exceptions import InvalidStatus

from appgen.cli.client import GatewayError, GatewayTarget

TERMINAL = frozenset({"ProjectCompleted", "ProjectFailed"})
POLICY = 1008  # the request itself is wrong: reconnecting cannot help
BACKOFF_S = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
MAX_ATTEMPTS = 10

Message = dict[str, Any]
OnReconnect = Callable[[int, str, int], None]


def is_event(message: Any) -> bool:
    """Event messages carry a position and an id; pings and acknowledgements do not."""
    return (
        isinstance(message, dict)
        and isinstance(message.get("position"), int)
        and bool(message.get("event_id"))
    )


def _describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


async def follow_events(
    target: GatewayTarget,
    project_id: str,
    *,
    since: int = 0,
    on_reconnect: OnReconnect | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    until: Callable[[Message], bool] | None = None,
) -> AsyncIterator[Message]:
    """Every event of the project after `since`, then live ones, until it completes or fails
    (or, given `until`, until the first event it is true of).

    `on_reconnect(since, reason, attempt)` hears of each reconnection before it is tried. Raises
    `GatewayError` when the gateway refuses the stream or stays unreachable.
    """
    last = since
    attempt = 0
    path = f"/api/v1/ws/generate/{quote(project_id, safe='')}"
    while True:
        url = f"{target.websocket_url(path)}?since={last}"
        try:
            async with websockets.connect(
                url, additional_headers=target.headers, open_timeout=10
            ) as socket:
                attempt = 0
                async for raw in socket:
                    message = json.loads(raw)
                    if not is_event(message) or message["position"] <= last:
                        continue
                    last = message["position"]
                    yield message
                    if until(message) if until else message.get("event_type") in TERMINAL:
                        return
            code, why = socket.close_code, socket.close_reason
            if code == POLICY:
                raise GatewayError(f"the gateway refused to stream {project_id}: {why}")
            reason = f"the gateway closed the connection ({code} {why})".strip()
        except InvalidStatus as refused:
            status = refused.response.status_code
            raise GatewayError(
                f"the gateway refused to stream {project_id} (HTTP {status})", status=status
            ) from None
        except websockets.ConnectionClosed as closed:
            if closed.rcvd is not None and closed.rcvd.code == POLICY:
                raise GatewayError(
                    f"the gateway refused to stream {project_id}: {closed.rcvd.reason}"
                ) from None
            reason = f"the connection dropped ({_describe(closed)})"
        except (OSError, TimeoutError) as error:
            reason = f"cannot connect to {target.url} ({_describe(error)})"
        attempt += 1
        if attempt > max_attempts:
            raise GatewayError(f"lost the gateway and could not reconnect: {reason}")
        if on_reconnect is not None:
            on_reconnect(last, reason, attempt)
        await asyncio.sleep(BACKOFF_S[min(attempt, len(BACKOFF_S)) - 1])
