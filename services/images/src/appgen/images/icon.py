"""The app icon: a rounded square in the theme's gradient with the app's glyph or initials.

The vector icon and the raster icons share one layout (the fractions below), so the PNGs look
like the SVG the page uses, with the initials (set in Pillow's built-in font) standing in for
the emoji, which no font Pillow ships can draw.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PIL import Image, ImageChops, ImageDraw, ImageFont

from appgen.images import colour, markup
from appgen.images.colour import RGB
from appgen.images.marks import glyph, icon_text, initials
from appgen.spec import AppSpec

CORNER = 0.225
SHINE = (0.80, 0.18, 0.42, 0.16)  # centre x, centre y, radius, white opacity
SHADOW = (0.10, 0.96, 0.40, 0.12)  # centre x, centre y, radius, ink opacity
_EMOJI_FONTS = "'Apple Color Emoji','Segoe UI Emoji','Noto Color Emoji',sans-serif"
_TEXT_FONTS = "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
# The raster shapes are drawn at this many times the icon's size and averaged down.
_SUPERSAMPLE = 4
# Draws white shapes on a square canvas whose side it is given.
Shapes = Callable[[ImageDraw.ImageDraw, int], None]


def gradient(spec: AppSpec) -> tuple[RGB, RGB]:
    """The icon's two ends: primary to accent, or primary to a shade of it when they are equal."""
    start, end = colour.parse(spec.theme.primary), colour.parse(spec.theme.accent)
    return start, (colour.shade(start, 0.3) if start == end else end)


def icon_svg(spec: AppSpec, *, size: int = 512) -> str:
    start, end = gradient(spec)
    n = markup.number
    mark = icon_text(spec)
    is_glyph = glyph(spec) is not None
    font_size = size * (0.56 if is_glyph else (0.44 if len(mark) < 2 else 0.36))
    family = _EMOJI_FONTS if is_glyph else _TEXT_FONTS
    sx, sy, sr, so = SHINE
    dx, dy, dr, do = SHADOW
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img" aria-label="{markup.text(spec.name)}">'
        f"<title>{markup.text(spec.name)}</title>"
        '<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="{colour.to_hex(start)}"/>'
        f'<stop offset="1" stop-color="{colour.to_hex(end)}"/></linearGradient>'
        f'<clipPath id="shape"><rect width="{size}" height="{size}" rx="{n(size * CORNER)}"/>'
        "</clipPath></defs>"
        '<g clip-path="url(#shape)">'
        f'<rect width="{size}" height="{size}" fill="url(#bg)"/>'
        f'<circle cx="{n(size * sx)}" cy="{n(size * sy)}" r="{n(size * sr)}" fill="#ffffff" '
        f'opacity="{so}"/>'
        f'<circle cx="{n(size * dx)}" cy="{n(size * dy)}" r="{n(size * dr)}" '
        f'fill="{colour.to_hex(colour.INK)}" opacity="{do}"/>'
        "</g>"
        f'<text x="{n(size / 2)}" y="{n(size * 0.53)}" text-anchor="middle" '
        f'dominant-baseline="middle" font-family="{family}" font-size="{n(font_size)}" '
        f'font-weight="700" fill="#ffffff">{markup.text(mark)}</text>'
        "</svg>\n"
    )


def icon_image(spec: AppSpec, size: int) -> Image.Image:
    """The raster icon, `size` pixels square (RGBA, transparent outside the rounded corners)."""
    icon = _diagonal(size, *gradient(spec))
    for (cx, cy, r, opacity), paint in ((SHINE, colour.WHITE), (SHADOW, colour.INK)):
        _wash(icon, paint, opacity, _disc(size, cx, cy, r))
    letters = initials(spec.name)
    mark = _letters(size, letters) if letters else _smooth(size, _tiles)
    # The mark is centred, so nothing reaches the bottom edge to wrap round to the top.
    _wash(icon, colour.INK, 0.22, ImageChops.offset(mark, 0, round(size * 0.014)))
    _wash(icon, colour.WHITE, 1.0, mark)
    icon.putalpha(_rounded_square(size))
    return icon


def _diagonal(size: int, start: RGB, end: RGB) -> Image.Image:
    """`start` at the top left to `end` at the bottom right: a pixel's shade depends on x + y."""
    step = 255 / max(2 * size - 2, 1)
    ramp = Image.linear_gradient("L").transform(
        (size, size), Image.Transform.AFFINE, (0, 0, 0, step, step, 0)
    )
    return Image.composite(
        Image.new("RGB", ramp.size, end), Image.new("RGB", ramp.size, start), ramp
    )


def _smooth(size: int, shapes: Shapes) -> Image.Image:
    """The anti-aliased coverage of `shapes`, drawn in white at 4x (`shapes` gets that side)
    and averaged down: each pixel holds the share of its 16 samples that the shapes cover."""
    side = size * _SUPERSAMPLE
    canvas = Image.new("L", (side, side))
    shapes(ImageDraw.Draw(canvas), side)
    return canvas.reduce(_SUPERSAMPLE)


# The masks below depend on the size alone, and drawing one at 4x is most of an icon's drawing
# (a 4096-pixel canvas for the 1024 icon): each is drawn once per size and process, then only
# read (pasted through, cropped, copied into the alpha band), never changed.
@cache
def _disc(size: int, cx: float, cy: float, r: float) -> Image.Image:
    """A disc's coverage; centre and radius are fractions of the side."""
    return _smooth(
        size, lambda d, s: d.ellipse((s * (cx - r), s * (cy - r), s * (cx + r), s * (cy + r)), 255)
    )


@cache
def _rounded_square(size: int) -> Image.Image:
    """The icon's outline: a square with rounded corners."""
    return _smooth(size, lambda d, s: d.rounded_rectangle((0, 0, s, s), s * CORNER, 255))


def _wash(image: Image.Image, paint: RGB, opacity: float, mask: Image.Image) -> None:
    """Lay `paint` over `image` where `mask` covers it, at `opacity`."""
    box = mask.getbbox()
    if box is not None:  # only the covered part: the marks are a small share of the icon
        covered = mask.crop(box)
        image.paste(paint, box, covered if opacity == 1 else covered.point(lambda v: v * opacity))


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's built-in TrueType face: the same glyphs on every machine, no font files.
    return ImageFont.load_default(size=size)


def _letters(size: int, letters: str) -> Image.Image:
    """The initials, centred on their ink; FreeType anti-aliases them itself."""
    canvas = Image.new("L", (size, size))
    draw = ImageDraw.Draw(canvas)
    font = _font(round(size * (0.44 if len(letters) < 2 else 0.36)))
    stroke = round(size * 0.012)  # the built-in face is regular; a stroke makes it bold
    left, top, right, bottom = draw.textbbox((0, 0), letters, font, stroke_width=stroke)
    at = ((size - right - left) / 2, (size - bottom - top) / 2)
    draw.text(at, letters, 255, font, stroke_width=stroke, stroke_fill=255)
    return canvas


def _tiles(draw: ImageDraw.ImageDraw, side: int) -> None:
    """Four rounded tiles: the mark for a name with no Latin letter or digit to show."""
    tile, gap = 0.17 * side, 0.06 * side
    origin = (side - 2 * tile - gap) / 2
    for row in range(2):
        for column in range(2):
            x, y = origin + column * (tile + gap), origin + row * (tile + gap)
            draw.rounded_rectangle((x, y, x + tile, y + tile), tile * 0.22, 255)
