"""WebSocket progress: history after `since`, then live events; what a client sends on the
socket (`start` creates the project) is `appgen.gateway.inbound`'s.

Each message carries appgen's fields and the earlier generator's (`appgen.gateway.compat`), so
that generator's clients work unchanged. Close codes (docs/protocol.md): 1008 no or bad
key/token, bad project id, bad `since`, bad message or unknown project (another key's project is
unknown too); 1013 the client fell too far behind or a connection limit is reached; 1001 the
server is going down. Before a 1008 or 1013 the socket sends `{"type": "error", "error": ...}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from appgen.events import is_project_id
from appgen.events.transport import metrics
from appgen.events.transport.beside import beside
from appgen.gateway import queries
from appgen.gateway.access import may_see, owns
from appgen.gateway.auth import TOKEN_QUERY, Caller, authenticate
from appgen.gateway.compat import LegacyView
from appgen.gateway.deps import ResourcesDep, SocketsDep
from appgen.gateway.feed import Feed
from appgen.gateway.frames import frame_writer
from appgen.gateway.hub import SHUTDOWN, TOO_SLOW
from appgen.gateway.inbound import (
    GOING_AWAY,
    POLICY,
    TRY_AGAIN_LATER,
    Closed,
    await_start,
    receive_loop,
)
from appgen.gateway.problems import ProblemError
from appgen.gateway.resources import Resources
from appgen.gateway.revocations import REVOKED
from appgen.gateway.urls import live_preview_path, origin
from appgen.gateway.usecases.steps import owner
from appgen.store import Refusal

router = APIRouter(prefix="/api/v1")

# Within a close frame's 123 bytes; the error message before the close has the longer version.
NO_CREDENTIAL = (
    "unauthorized: no key or token; use ?access_token= (POST /api/v1/tokens), "
    "or appgen up --no-auth for keyless local clients"
)
NO_CREDENTIAL_DETAIL = (
    "unauthorized: this socket carries no key or token. Pass ?access_token=<token> (POST "
    "/api/v1/tokens with your API key makes one); for clients on this machine that cannot, such "
    "as the earlier generator's demo page, run `appgen up --no-auth`."
)


def parse_since(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise Closed(POLICY, f"invalid since {raw[:40]!r}: expected a position (integer >= 0)")
    return int(raw)


async def send_loop(ws: WebSocket, feed: Feed, view: LegacyView) -> None:
    async for item in feed.items():
        if item is None:
            await ws.send_json({"type": "ping", "position": feed.last})
        else:
            started = time.perf_counter()
            await ws.send_text(view.render(item))
            metrics.WS_SEND_SECONDS.observe(time.perf_counter() - started)


async def seed(
    ws: WebSocket, view: LegacyView, res: Resources, project_id: str, since: int
) -> None:
    """A client resuming after `since` sees the screens, name and progress from before it."""
    if since <= 0:
        return
    try:
        state = await queries.project_state(res, project_id, at=since)
    except ProblemError:
        return
    view.seed(state, live_preview_path(ws, state))


async def serve(
    ws: WebSocket,
    res: Resources,
    caller: Caller,
    project_id: str,
    since: int,
    view: LegacyView,
    feed: Feed,
    *,
    owned: bool,
) -> None:
    """Send `feed` (entered) to the socket until either side ends it."""
    if not owned:
        feed.forget_opening_page()
        await await_start(ws, res, caller, project_id)
    await seed(ws, view, res, project_id, since)
    tasks = {
        asyncio.ensure_future(send_loop(ws, feed, view)),
        asyncio.ensure_future(receive_loop(ws, res, caller, project_id)),
        asyncio.ensure_future(feed.wait_closed()),
    }
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    for task in done:
        error = task.exception()
        if error is not None:
            raise error
    reason = feed.close_reason or ""
    if reason.startswith(TOO_SLOW):
        raise Closed(TRY_AGAIN_LATER, reason)
    if reason == SHUTDOWN:
        raise Closed(GOING_AWAY, reason)
    if reason == REVOKED:
        raise Closed(POLICY, reason)


@router.websocket("/ws/generate/{project_id}")
async def generate_socket(
    ws: WebSocket, project_id: str, res: ResourcesDep, sockets: SocketsDep
) -> None:
    """Progress of one project: every event after `since`, then live ones (docs/protocol.md)."""
    await ws.accept()
    counted: uuid.UUID | None = None
    view = LegacyView(origin(ws, res.settings))
    metrics.WS_CONNECTIONS.inc()
    try:
        caller = await _caller(ws, res)
        since = _since(ws, project_id)
        if isinstance(since, Closed):
            # Judged after the limits, as ever.
            counted = await _count(res, caller)
            raise since
        async with _feed(ws, res, caller, project_id, since, view) as feed:
            # Whether the project is the caller's (with its history's first page, read once for
            # both) does not depend on the socket's place in the limits: PostgreSQL is asked
            # both at once, and they are judged in the same order as ever, the limits first.
            owning = beside(_owns(res, caller, project_id, feed))
            try:
                counted = await _count(res, caller)
                owned = await owning
            finally:
                owning.cancel()
            with sockets.holding(project_id):
                await serve(ws, res, caller, project_id, since, view, feed, owned=owned)
    except Closed as closed:
        if closed.code in (POLICY, TRY_AGAIN_LATER) and not closed.reason.startswith(TOO_SLOW):
            await _send(ws, view.refusal(closed.detail, closed.code))
        await _close(ws, closed.code, closed.reason)
    except WebSocketDisconnect:
        return
    else:
        await _close(ws, 1000, "")
    finally:
        metrics.WS_CONNECTIONS.dec()
        if counted is not None:
            res.ws_slots.give_back(counted)


async def _caller(ws: WebSocket, res: Resources) -> Caller:
    try:
        return await authenticate(ws, res)
    except ProblemError as error:
        if "authorization" not in ws.headers and TOKEN_QUERY not in ws.query_params:
            raise Closed(POLICY, NO_CREDENTIAL, detail=NO_CREDENTIAL_DETAIL) from None
        raise Closed(POLICY, f"unauthorized: {error.detail}") from None


def _since(ws: WebSocket, project_id: str) -> int | Closed:
    """The position the socket reads after, or why it is refused."""
    if not is_project_id(project_id):
        return Closed(POLICY, "invalid project id")
    try:
        return parse_since(ws.query_params.get("since"))
    except Closed as refusal:
        return refusal


def _feed(
    ws: WebSocket, res: Resources, caller: Caller, project_id: str, since: int, view: LegacyView
) -> Feed:
    """The socket's feed (enter it before reading anything), written straight to by the hub
    once it has caught up, where the socket allows."""
    feed = res.feed(project_id, since, idle_s=res.settings.heartbeat_s, key_id=caller.key_id)
    writer = frame_writer(ws)
    if writer is not None:
        feed.go_direct_with(writer, view)
    return feed


async def _owns(res: Resources, caller: Caller, project_id: str, feed: Feed) -> bool:
    if feed.last == 0:
        page = await feed.opening_page()
        return may_see(caller, bool(page), owner(page[0]) if page else None)
    return await owns(res, caller, project_id)


async def _count(res: Resources, caller: Caller) -> uuid.UUID:
    """Count this socket in the limits every gateway process shares, or close 1013."""
    taken = await res.ws_slots.take(caller.key_id or "-")
    if isinstance(taken, Refusal):
        raise Closed(TRY_AGAIN_LATER, f"{taken.limit}: {taken.detail}; retry later")
    return taken


def _open(ws: WebSocket) -> bool:
    return (
        ws.application_state is WebSocketState.CONNECTED
        and ws.client_state is WebSocketState.CONNECTED
    )


async def _send(ws: WebSocket, text: str) -> None:
    if _open(ws):
        with contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError):
            await ws.send_text(text)


async def _close(ws: WebSocket, code: int, reason: str) -> None:
    if _open(ws):
        with contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError):
            await ws.close(code, reason)
