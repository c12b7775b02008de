"""The app icon: a rounded square in the theme's gradient with the app's glyph or initials.

The vector icon and the raster icons share one layout (the fractions below), so the PWA's
PNGs look like the SVG the page uses, with the bitmap-font initials standing in for the emoji.
"""

from __future__ import annotations

from appgen.images import colour, font, markup
from appgen.images.colour import RGB
from appgen.images.marks import glyph, icon_text, initials
from appgen.images.raster import Canvas, Ramp
from appgen.spec import AppSpec

CORNER = 0.225
SHINE = (0.80, 0.18, 0.42, 0.16)  # centre x, centre y, radius, white opacity
SHADOW = (0.10, 0.96, 0.40, 0.12)  # centre x, centre y, radius, ink opacity
_EMOJI_FONTS = "'Apple Color Emoji','Segoe UI Emoji','Noto Color Emoji',sans-serif"
_TEXT_FONTS = "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"


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


def icon_pixels(spec: AppSpec, size: int) -> Canvas:
    """The raster icon on a canvas (RGBA); `icon_png` encodes it."""
    start, end = gradient(spec)
    base = Ramp(size, start, end)
    canvas = Canvas(size, base)
    sx, sy, sr, so = SHINE
    canvas.circle(size * sx, size * sy, size * sr, base.over(colour.WHITE, so))
    dx, dy, dr, do = SHADOW
    canvas.circle(size * dx, size * dy, size * dr, base.over(colour.INK, do))
    letters = initials(spec.name)
    if letters:
        _letters(canvas, letters, base)
    else:
        _tiles(canvas, base)
    canvas.round_corners(size * CORNER)
    return canvas


def _letters(canvas: Canvas, letters: str, base: Ramp) -> None:
    size = canvas.size
    columns = font.text_width(letters)
    cell = max(int(min(size * 0.5 / columns, size * 0.42 / font.HEIGHT)), 1)
    left = (size - columns * cell) // 2
    top = (size - font.HEIGHT * cell) // 2
    drop = max(cell // 4, 1)
    shadow = base.over(colour.INK, 0.22)
    white = base.over(colour.WHITE, 1.0)
    inked = font.cells(letters)
    for ramp, offset in ((shadow, drop), (white, 0)):
        for column, row in inked:
            canvas.rect(left + column * cell + offset, top + row * cell + offset, cell, cell, ramp)


def _tiles(canvas: Canvas, base: Ramp) -> None:
    """A two-by-two grid of tiles, for names with no letter the bitmap font can draw."""
    size = canvas.size
    tile = max(round(size * 0.17), 1)
    gap = max(round(size * 0.06), 1)
    origin = (size - 2 * tile - gap) // 2
    drop = max(tile // 10, 1)
    shadow = base.over(colour.INK, 0.22)
    white = base.over(colour.WHITE, 1.0)
    for ramp, offset in ((shadow, drop), (white, 0)):
        for row in range(2):
            for column in range(2):
                x = origin + column * (tile + gap) + offset
                y = origin + row * (tile + gap) + offset
                canvas.rect(x, y, tile, tile, ramp)
