"""PNG pictures for the Expo project: the images stage's icon at the sizes Expo asks for, or a
drawn stand-in. Pure Python (zlib and struct): nothing to install, the same bytes everywhere."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {2: 3, 6: 4}  # colour type: RGB, RGBA


@dataclass(frozen=True)
class Picture:
    """An RGBA picture, rows top to bottom."""

    width: int
    height: int
    pixels: bytes


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def encode(picture: Picture) -> bytes:
    stride = picture.width * 4
    raw = b"".join(
        b"\x00" + picture.pixels[y * stride : (y + 1) * stride] for y in range(picture.height)
    )
    header = struct.pack(">IIBBBBB", picture.width, picture.height, 8, 6, 0, 0, 0)
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 6))
        + _chunk(b"IEND", b"")
    )


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _unfilter(kind: int, line: bytearray, previous: bytes, bpp: int) -> None:
    if kind == 0:
        return
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = previous[i]
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
        elif kind == 4:
            corner = previous[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
        else:
            raise ValueError(f"unknown PNG filter {kind}")


def decode(data: bytes) -> Picture | None:
    """An 8-bit RGB or RGBA, non-interlaced PNG (what the images stage writes); None otherwise."""
    if not data.startswith(SIGNATURE):
        return None
    offset, header, idat = len(SIGNATURE), b"", bytearray()
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        payload = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            header = payload
        elif kind == b"IDAT":
            idat += payload
        elif kind == b"IEND":
            break
    if len(header) != 13:
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    channels = _CHANNELS.get(colour)
    if (
        depth != 8
        or channels is None
        or interlace
        or not 0 < width <= 4096
        or not 0 < height <= 4096
    ):
        return None
    try:
        raw = zlib.decompress(bytes(idat))
    except zlib.error:
        return None
    stride = width * channels
    if len(raw) != (stride + 1) * height:
        return None
    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        line = bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(raw[start], line, previous, channels)
        previous = bytes(line)
        if channels == 3:
            line = bytearray(
                b"".join(bytes(line[i : i + 3]) + b"\xff" for i in range(0, stride, 3))
            )
        rows.append(bytes(line))
    return Picture(width, height, b"".join(rows))


def resize(picture: Picture, width: int, height: int) -> Picture:
    """Nearest-neighbour: the images stage's icons are flat shapes, which it keeps crisp."""
    stride = picture.width * 4
    columns = [x * picture.width // width for x in range(width)]
    made: dict[int, bytes] = {}
    rows = []
    for y in range(height):
        source = y * picture.height // height
        if source not in made:
            row = picture.pixels[source * stride : (source + 1) * stride]
            px = [row[i : i + 4] for i in range(0, stride, 4)]
            made[source] = b"".join(px[x] for x in columns)
        rows.append(made[source])
    return Picture(width, height, b"".join(rows))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def gradient(size: int, start: str, end: str) -> Picture:
    """A square in a diagonal gradient from `start` (top left) to `end` (bottom right)."""
    (r0, g0, b0), (r1, g1, b1) = _rgb(start), _rgb(end)
    steps = 2 * size - 1
    ramp = b"".join(
        bytes(
            (
                r0 + (r1 - r0) * i // max(1, steps - 1),
                g0 + (g1 - g0) * i // max(1, steps - 1),
                b0 + (b1 - b0) * i // max(1, steps - 1),
                255,
            )
        )
        for i in range(steps)
    )
    # A pixel's colour depends only on x + y, so each row is a window on one ramp.
    pixels = b"".join(ramp[y * 4 : (y + size) * 4] for y in range(size))
    return Picture(size, size, pixels)
