"""The raster icons, read back with Pillow: valid PNGs at the contracted sizes, in the theme's
colours, with the initials drawn, anti-aliased, and the same bytes for the same spec."""

from __future__ import annotations

import io
import struct
from functools import reduce

import pytest
from PIL import Image, ImageChops

from appgen.images import ICON_PNG_SIZES, draw, icon_png_path, image_requests
from appgen.images.art import icon_png
from appgen.images.colour import RGB, mix, parse
from appgen.spec import AppSpec
from appgen.store.samples import sample_spec

pytestmark = pytest.mark.unit

WHITE = (255, 255, 255, 255)


def read(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.verify()  # checks every chunk's CRC
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    return image


def chunk_types(data: bytes) -> list[bytes]:
    at, kinds = 8, []
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kinds.append(data[at + 4 : at + 8])
        at += 12 + length
    return kinds


def white(image: Image.Image) -> Image.Image:
    """A mask of the pure white, opaque pixels: the mark."""
    channels = [c.point(lambda v: 255 if v == 255 else 0) for c in image.split()]
    return reduce(ImageChops.multiply, channels)


def white_box(image: Image.Image) -> tuple[int, int, int, int]:
    box = white(image).getbbox()
    assert box is not None
    return box


def close(found: tuple[int, ...], expected: RGB, *, within: int = 3) -> bool:
    return all(abs(a - b) <= within for a, b in zip(found[:3], expected, strict=True))


def icon(spec: AppSpec, size: int = 192) -> Image.Image:
    return read(icon_png(spec, size))


def test_the_icon_comes_as_svg_and_pngs_for_the_web_manifest_and_expo() -> None:
    spec = sample_spec()
    renditions = draw(spec, image_requests(spec)[0]).renditions
    assert [(r.path, r.content_type) for r in renditions] == [
        ("assets/icon.svg", "image/svg+xml"),
        ("assets/icon-192.png", "image/png"),
        ("assets/icon-512.png", "image/png"),
        ("assets/icon-1024.png", "image/png"),
    ]
    assert ICON_PNG_SIZES == (192, 512, 1024)
    for rendition, size in zip(renditions[1:], ICON_PNG_SIZES, strict=True):
        assert rendition.path == icon_png_path(size)
        assert read(rendition.data).size == (size, size)


def test_a_png_holds_pixels_only_and_the_same_spec_gives_the_same_bytes() -> None:
    spec = sample_spec()
    first = draw(spec, image_requests(spec)[0])
    assert first == draw(sample_spec(), image_requests(spec)[0])
    for rendition in first.renditions[1:]:
        kinds = chunk_types(rendition.data)
        # No tIME, tEXt or pHYs: nothing in the file but the picture.
        assert kinds[0] == b"IHDR"
        assert kinds[-1] == b"IEND"
        assert set(kinds) == {b"IHDR", b"IDAT", b"IEND"}
    assert draw(sample_spec(primary="#1d4ed8"), image_requests(spec)[0]) != first


@pytest.mark.parametrize("size", ICON_PNG_SIZES)
def test_the_icon_is_a_rounded_square_in_the_themes_gradient(size: int) -> None:
    image = icon(sample_spec(), size)
    for x, y in ((0, 0), (size - 1, 0), (0, size - 1), (size - 1, size - 1)):
        assert image.getpixel((x, y))[3] == 0, (x, y)  # type: ignore[index]
    for x, y in ((size // 2, 0), (0, size // 2), (size // 2, size - 1), (size - 1, size // 2)):
        assert image.getpixel((x, y))[3] == 255, (x, y)  # type: ignore[index]
    # Primary (#2f9e6e) at the top left to accent (#f4a261) at the bottom right, along x + y;
    # these two points are clear of the shine and the shadow.
    primary, accent = parse("#2f9e6e"), parse("#f4a261")
    top = image.getpixel((size // 4, 1))
    bottom = image.getpixel((size * 3 // 4, size - 2))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert close(top, mix(primary, accent, (size // 4 + 1) / (2 * size - 2)))
    assert close(bottom, mix(primary, accent, (size * 3 // 4 + size - 2) / (2 * size - 2)))


def test_the_edges_are_anti_aliased() -> None:
    image = icon(sample_spec(), 512)
    alpha = image.getchannel("A")
    # Along the rounded corner the coverage falls off in steps, not from 255 straight to 0.
    edge = {alpha.getpixel((x, x)) for x in range(60)}
    assert len(edge - {0, 255}) >= 1
    assert sum(1 for count in alpha.histogram() if count) > 8


def test_the_initials_are_drawn_in_white_in_the_middle() -> None:
    image = icon(sample_spec(), 512)  # "Plant Care": PC
    left, top, right, bottom = white_box(image)
    assert abs((left + right) / 2 - 256) < 8
    assert abs((top + bottom) / 2 - 256) < 12
    assert 512 * 0.3 < right - left < 512 * 0.7
    # Text, not a block: the letters have holes and curves.
    inked = white(image).histogram()[255]
    assert 0.2 < inked / ((right - left) * (bottom - top)) < 0.8


def test_other_initials_draw_other_letters() -> None:
    pc = icon(sample_spec(), 256)
    bb = icon(sample_spec(name="Budget Buddy"), 256)
    n = icon(sample_spec(name="notes"), 256)
    assert white_box(pc) != white_box(bb)
    assert pc.tobytes() != bb.tobytes()
    one, two = white_box(n), white_box(pc)
    assert one[2] - one[0] < two[2] - two[0]  # one letter is narrower than two


def test_a_name_without_latin_letters_gets_four_tiles() -> None:
    image = icon(sample_spec(name="植物"), 192)
    left, top, right, bottom = white_box(image)
    assert abs((left + right) / 2 - 96) < 4
    assert image.getpixel((96, 90)) != WHITE  # the gap between the tiles
    quarter = (right - left) // 4
    for x in (left + quarter, right - quarter):
        for y in (top + quarter, bottom - quarter):
            assert image.getpixel((x, y)) == WHITE, (x, y)
