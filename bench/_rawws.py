"""A WebSocket client as a bare asyncio protocol, for holding thousands of sockets cheaply.

The `websockets` client spends about 60 µs of CPU per message (a frame parser generator, a
queue, a task woken for each `recv`), which on a two-core machine lands inside the latency it
is measuring. This one reads frames in `data_received` and stamps their arrival there (the
moment the bytes leave the kernel's socket, as a browser's network thread would see them),
keeps the text to parse later, answers pings and close frames, and nothing else. It speaks
RFC 6455 for a client: its own frames are masked; it refuses fragmented server messages, which
the gateway never sends.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import time
import zlib
from collections.abc import Callable
from typing import cast

OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x2, 0x8, 0x9, 0xA
_DEFLATE_TAIL = b"\x00\x00\xff\xff"

# Called for each message after the first: (arrival, text).
OnMessage = Callable[[float, bytes], None]


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A final, masked frame (a client must mask; RFC 6455 section 5.3)."""
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
    masked = bytes(byte ^ mask[i & 3] for i, byte in enumerate(payload))
    return head + mask + masked


class RawSocket(asyncio.Protocol):
    """One client WebSocket: `opened` resolves with the first message, `ended` with the close."""

    def __init__(self, request: bytes, on_message: OnMessage) -> None:
        self._request = request
        self._on_message = on_message
        self._buffer = bytearray()
        self._open = False
        self._inflate: zlib._Decompress | None = None
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[bytes] = loop.create_future()
        self.ended: asyncio.Future[tuple[int, str]] = loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)
        self.transport.write(self._request)

    def data_received(self, data: bytes) -> None:
        arrived = time.time()
        self._buffer += data
        if not self._open and not self._handshake():
            return
        self._frames(arrived)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"closed before the first message: {exc}"))
        if not self.ended.done():
            self.ended.set_result((1006, ""))

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def _handshake(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(self._buffer[:end]).decode("latin-1")
        del self._buffer[: end + 4]
        status = head.split("\r\n", 1)[0]
        if not status.startswith("HTTP/1.1 101"):
            self.opened.set_exception(ConnectionError(status))
            self.abort()
            return False
        if "permessage-deflate" in head.lower():
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        self._open = True
        return True

    def _frames(self, arrived: float) -> None:
        buffer, at = self._buffer, 0
        while len(buffer) - at >= 2:
            first, size = buffer[at], buffer[at + 1] & 0x7F
            start = at + 2
            if size == 126:
                if len(buffer) - at < 4:
                    break
                size, start = int.from_bytes(buffer[at + 2 : at + 4]), at + 4
            elif size == 127:
                if len(buffer) - at < 10:
                    break
                size, start = int.from_bytes(buffer[at + 2 : at + 10]), at + 10
            if len(buffer) < start + size:
                break
            payload = bytes(buffer[start : start + size])
            at = start + size
            if not first & 0x80:
                raise ValueError("a fragmented message (the gateway sends none)")
            if first & 0x40 and self._inflate is not None:
                payload = self._inflate.decompress(payload + _DEFLATE_TAIL)
            self._frame(first & 0x0F, payload, arrived)
        del buffer[:at]

    def _frame(self, opcode: int, payload: bytes, arrived: float) -> None:
        if opcode in (OP_TEXT, OP_BINARY):
            if self.opened.done():
                self._on_message(arrived, payload)
            else:
                self.opened.set_result(payload)
        elif opcode == OP_PING and self.transport is not None:
            self.transport.write(client_frame(OP_PONG, payload))
        elif opcode == OP_CLOSE:
            code = int.from_bytes(payload[:2]) if len(payload) >= 2 else 1005
            if not self.ended.done():
                self.ended.set_result((code, payload[2:].decode(errors="replace")))
            if self.transport is not None:
                self.transport.write(client_frame(OP_CLOSE, payload[:2]))
                self.transport.close()


def upgrade_request(host: str, path: str, key: str, *, compression: bool) -> bytes:
    """The handshake a browser sends, with the bench key as a bearer token."""
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
        "Sec-WebSocket-Version: 13",
        f"Authorization: Bearer {key}",
    ]
    if compression:
        lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
