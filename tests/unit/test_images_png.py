"""The PNG encoder and the raster icons, checked by decoding them by hand with zlib."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import pytest

from appgen.images import draw, plan
from appgen.images.art import icon_png
from appgen.images.png import SIGNATURE, encode_rgba
from tests.specs import sample_spec

pytestmark = pytest.mark.unit


@dataclass
class Decoded:
    width: int
    height: int
    chunks: list[bytes]
    rows: list[bytes]

    def pixel(self, x: int, y: int) -> tuple[int, int, int, int]:
        r, g, b, a = self.rows[y][x * 4 : x * 4 + 4]
        return (r, g, b, a)


def decode(data: bytes) -> Decoded:
    """A strict reader for what the encoder writes: 8-bit RGBA, filter 0, valid CRCs."""
    assert data[:8] == SIGNATURE
    at, chunks, idat, header = 8, [], b"", b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        payload = data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + payload) & 0xFFFFFFFF, kind
        chunks.append(kind)
        if kind == b"IHDR":
            header = payload
        elif kind == b"IDAT":
            idat += payload
        at += 12 + length
    assert chunks[0] == b"IHDR"
    assert chunks[-1] == b"IEND"
    width, height, depth, colour_type, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", header
    )
    assert (depth, colour_type, compression, filtering, interlace) == (8, 6, 0, 0, 0)
    raw = zlib.decompress(idat)
    stride = width * 4 + 1
    assert len(raw) == stride * height
    rows = [raw[y * stride : (y + 1) * stride] for y in range(height)]
    assert all(row[0] == 0 for row in rows)
    return Decoded(width, height, chunks, [row[1:] for row in rows])


def test_encoder_round_trips_pixels() -> None:
    pixels = bytes(
        [10, 20, 30, 255, 40, 50, 60, 128, 70, 80, 90, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    )
    image = decode(encode_rgba(3, 2, pixels))
    assert (image.width, image.height) == (3, 2)
    assert image.pixel(1, 0) == (40, 50, 60, 128)
    assert image.pixel(2, 1) == (9, 10, 11, 12)


def test_encoder_rejects_a_wrong_size() -> None:
    with pytest.raises(ValueError, match="2x2"):
        encode_rgba(2, 2, bytes(15))


@pytest.mark.parametrize("size", [192, 512])
def test_icon_png_is_a_rounded_square_of_the_theme(size: int) -> None:
    image = decode(icon_png(sample_spec(), size))
    assert (image.width, image.height) == (size, size)
    for x, y in ((0, 0), (size - 1, 0), (0, size - 1), (size - 1, size - 1)):
        assert image.pixel(x, y)[3] == 0, (x, y)
    for x, y in ((size // 2, 0), (0, size // 2), (size // 2, size // 2 + size // 3)):
        assert image.pixel(x, y)[3] == 255, (x, y)
    # The top-left edge is the primary colour (#2f9e6e), the bottom-right the accent (#f4a261).
    r, g, b, _ = image.pixel(size // 2, 2)
    assert g > r
    r, g, b, _ = image.pixel(size - 3, size // 2)
    assert r > b


def test_icon_png_draws_the_initials_in_white() -> None:
    image = decode(icon_png(sample_spec(), 192))
    white = [
        (x, y)
        for y in range(image.height)
        for x in range(image.width)
        if image.pixel(x, y) == (255, 255, 255, 255)
    ]
    assert len(white) > 192 * 192 // 50
    xs = [x for x, _ in white]
    # Two letters ('PC'), centred.
    assert abs((min(xs) + max(xs)) / 2 - 96) < 8


def test_icon_png_without_latin_letters_draws_a_mark() -> None:
    image = decode(icon_png(sample_spec(name="植物"), 192))
    white = {
        (x, y)
        for y in range(image.height)
        for x in range(image.width)
        if image.pixel(x, y) == (255, 255, 255, 255)
    }
    assert len(white) > 192 * 192 // 20
    assert (96, 96) not in white  # the gap between the four tiles


def test_icon_pngs_come_with_the_vector_icon_and_are_deterministic() -> None:
    spec = sample_spec()
    first = draw(spec, plan(spec)[0])
    again = draw(spec, plan(spec)[0])
    assert [r.path for r in first.renditions] == [
        "assets/icon.svg",
        "assets/icon-192.png",
        "assets/icon-512.png",
    ]
    assert first == again
    assert draw(sample_spec(primary="#1d4ed8"), plan(spec)[0]) != first
