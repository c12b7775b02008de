"""One illustration per entity: a soft scene in the theme's colours around the entity's emoji.

Every choice (hue of the third colour, blobs, hills, confetti) is drawn from a random source
seeded with the entity's name, so each entity gets its own picture and always the same one.
"""

from __future__ import annotations

import math

from appgen.images import colour, markup
from appgen.images.colour import RGB
from appgen.images.marks import entity_mark
from appgen.images.seed import Seeded
from appgen.spec import AppSpec, Entity

WIDTH = 800
HEIGHT = 600
CENTRE = (400.0, 290.0)
_DISC = 130
_EMOJI_FONTS = "'Apple Color Emoji','Segoe UI Emoji','Noto Color Emoji',sans-serif"
_SHAPES = ("circle", "square", "triangle", "plus", "ring")


def _palette(spec: AppSpec, rng: Seeded) -> tuple[RGB, RGB, RGB]:
    primary = colour.parse(spec.theme.primary)
    accent = colour.parse(spec.theme.accent)
    turn = rng.between(0.08, 0.4) * rng.choice((1, -1))
    return primary, accent, colour.rotate_hue(primary, turn)


def _hill(rng: Seeded, base: float, amplitude: float, fill: RGB, opacity: float) -> str:
    n = markup.number
    y = [base + rng.between(-amplitude, amplitude) for _ in range(5)]
    return (
        f'<path d="M0 {HEIGHT} L0 {n(y[0])} C200 {n(y[1])} 200 {n(y[2])} 400 {n(y[2])} '
        f'C600 {n(y[2])} 600 {n(y[3])} {WIDTH} {n(y[4])} L{WIDTH} {HEIGHT} Z" '
        f'fill="{colour.to_hex(fill)}" opacity="{opacity:.2f}"/>'
    )


def _confetti(rng: Seeded, palette: tuple[RGB, ...], count: int) -> list[str]:
    n = markup.number
    pieces: list[str] = []
    attempts = 0
    while len(pieces) < count and attempts < count * 20:
        attempts += 1
        x, y = rng.between(40, WIDTH - 40), rng.between(40, HEIGHT - 90)
        size = rng.between(12, 28)
        # Keep the middle clear for the emoji's disc.
        if math.hypot(x - CENTRE[0], y - CENTRE[1]) < _DISC + 60 + size:
            continue
        kind = rng.choice(_SHAPES)
        fill = colour.to_hex(rng.choice(palette))
        opacity = f"{rng.between(0.55, 0.95):.2f}"
        angle = n(rng.between(0, 90))
        at = f'transform="translate({n(x)} {n(y)}) rotate({angle})" opacity="{opacity}"'
        if kind == "circle":
            pieces.append(f'<circle r="{n(size / 2)}" fill="{fill}" {at}/>')
        elif kind == "square":
            s = n(size)
            pieces.append(
                f'<rect x="{n(-size / 2)}" y="{n(-size / 2)}" width="{s}" height="{s}" '
                f'rx="{n(size / 5)}" fill="{fill}" {at}/>'
            )
        elif kind == "triangle":
            h = size * 0.87
            pieces.append(
                f'<path d="M0 {n(-h / 2)} L{n(size / 2)} {n(h / 2)} L{n(-size / 2)} {n(h / 2)} Z" '
                f'fill="{fill}" {at}/>'
            )
        elif kind == "plus":
            arm = n(size / 2)
            pieces.append(
                f'<path d="M{n(-size / 2)} 0 H{arm} M0 {n(-size / 2)} V{arm}" stroke="{fill}" '
                f'stroke-width="{n(size / 3.5)}" stroke-linecap="round" {at}/>'
            )
        else:
            pieces.append(
                f'<circle r="{n(size / 2)}" fill="none" stroke="{fill}" '
                f'stroke-width="{n(size / 5)}" {at}/>'
            )
    return pieces


def illustration_svg(spec: AppSpec, entity: Entity) -> str:
    """The illustration for `entity`, as SVG text."""
    rng = Seeded(f"illustration:{entity.name}")
    primary, accent, third = palette = _palette(spec, rng)
    n = markup.number
    angle = rng.between(0, math.tau)
    x2, y2 = 0.5 + 0.5 * math.cos(angle), 0.5 + 0.5 * math.sin(angle)
    blobs = "".join(
        f'<circle cx="{n(rng.between(0, WIDTH))}" cy="{n(rng.between(0, HEIGHT * 0.6))}" '
        f'r="{n(rng.between(110, 250))}" fill="{colour.to_hex(tone)}" '
        f'opacity="{rng.between(0.14, 0.28):.2f}"/>'
        for tone in (third, accent, primary)
    )
    hills = _hill(rng, 470, 40, colour.tint(accent, 0.35), 0.55) + _hill(
        rng, 520, 30, colour.tint(primary, 0.15), 0.75
    )
    confetti = "".join(_confetti(rng, palette, rng.integer(7, 11)))
    cx, cy = CENTRE
    dash = f"{n(rng.between(6, 18))} {n(rng.between(10, 22))}"
    title = markup.text(entity.plural)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<defs><linearGradient id="sky" x1="{1 - x2:.3f}" y1="{1 - y2:.3f}" '
        f'x2="{x2:.3f}" y2="{y2:.3f}">'
        f'<stop offset="0" stop-color="{colour.to_hex(colour.tint(primary, 0.86))}"/>'
        f'<stop offset="1" stop-color="{colour.to_hex(colour.tint(accent, 0.78))}"/>'
        "</linearGradient></defs>"
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#sky)"/>'
        f"{blobs}{hills}{confetti}"
        f'<ellipse cx="{n(cx)}" cy="{n(cy + _DISC + 34)}" rx="{_DISC}" ry="16" '
        f'fill="{colour.to_hex(colour.INK)}" opacity="0.12"/>'
        f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{_DISC + 48}" fill="none" '
        f'stroke="{colour.to_hex(accent)}" stroke-width="4" stroke-dasharray="{dash}" '
        'opacity="0.6"/>'
        f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{_DISC + 14}" '
        f'fill="{colour.to_hex(colour.tint(primary, 0.6))}" opacity="0.55"/>'
        f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{_DISC}" fill="#ffffff"/>'
        f'<text x="{n(cx)}" y="{n(cy + 6)}" text-anchor="middle" dominant-baseline="middle" '
        f'font-family="{_EMOJI_FONTS}" font-size="120">{markup.text(entity_mark(entity))}</text>'
        "</svg>\n"
    )
