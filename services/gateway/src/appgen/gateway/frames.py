"""Ready-made WebSocket frames, written straight to a socket's transport beside uvicorn's writes.

A server's frames are not masked, so a text frame without compression is the same bytes for every
socket that is sent the same text: the hub builds it once per event and view and writes it to
each caught-up socket (`appgen.gateway.direct`). This is safe with uvicorn's `websockets-sansio`
protocol only, which writes every frame it sends (messages, pings, pongs, close) with one
`transport.write` and no await in between, so a frame written here always lands between two of
its frames and never inside one. Any other implementation, or a socket that negotiated an
extension (per-message deflate), gets no `FrameWriter` and is served through ASGI as before.
"""

from __future__ import annotations

import struct

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

# The scope key under which `RawFrames` leaves the socket's uvicorn protocol.
PROTOCOL = "appgen.ws_protocol"
_TEXT_FIN = 0x81


def text_frame(text: str) -> bytes:
    """One unmasked, final text frame carrying `text` (RFC 6455 section 5.2)."""
    data = text.encode()
    size = len(data)
    if size < 126:
        head = struct.pack("!BB", _TEXT_FIN, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", _TEXT_FIN, 126, size)
    else:
        head = struct.pack("!BBQ", _TEXT_FIN, 127, size)
    return head + data


class RawFrames:
    """ASGI middleware: hands each WebSocket route the uvicorn protocol object serving it.

    It must be the outermost of the app's middleware, where `send` is still uvicorn's own bound
    method (every layer inside may wrap it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            protocol = getattr(send, "__self__", None)
            if isinstance(protocol, WebSocketsSansIOProtocol):
                scope[PROTOCOL] = protocol
        await self.app(scope, receive, send)


class FrameWriter:
    """Writes whole frames to one accepted WebSocket's transport."""

    __slots__ = ("_protocol", "_transport")

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol
        self._transport = protocol.transport

    def backlog(self) -> int | None:
        """Bytes waiting in the transport, or None once the socket is closing (write nothing)."""
        if self._protocol.close_sent or self._transport.is_closing():
            return None
        return self._transport.get_write_buffer_size()

    def write(self, frame: bytes) -> None:
        self._transport.write(frame)


def frame_writer(ws: WebSocket) -> FrameWriter | None:
    """A writer for this accepted socket, or None where frames cannot be written beside ASGI."""
    protocol = ws.scope.get(PROTOCOL)
    if not isinstance(protocol, WebSocketsSansIOProtocol) or not protocol.handshake_complete:
        return None
    if protocol.conn.extensions:
        # A compressed frame depends on the socket's own compression state.
        return None
    return FrameWriter(protocol)
