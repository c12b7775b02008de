"""A minimal PNG encoder (8-bit RGBA, no interlace): zlib and struct are all a PNG needs."""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGBA = 6


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def encode_rgba(width: int, height: int, pixels: bytes | bytearray) -> bytes:
    """PNG bytes of a `width` x `height` image given as rows of RGBA bytes, top to bottom."""
    stride = width * 4
    if width <= 0 or height <= 0 or len(pixels) != stride * height:
        raise ValueError(f"{len(pixels)} bytes is not a {width}x{height} RGBA image")
    # Filter type 0 (none) on every row: the images are small and zlib finds the repeats.
    raw = b"".join(
        b"\x00" + bytes(pixels[row * stride : (row + 1) * stride]) for row in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, _RGBA, 0, 0, 0)
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )
