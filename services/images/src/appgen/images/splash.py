"""The splash screen: the app's name and glyph on its theme gradient, in portrait."""

from __future__ import annotations

from appgen.images import colour, markup
from appgen.images.icon import gradient
from appgen.images.marks import glyph, icon_text
from appgen.spec import AppSpec

WIDTH = 1080
HEIGHT = 1920
_FONTS = "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
_EMOJI_FONTS = "'Apple Color Emoji','Segoe UI Emoji','Noto Color Emoji',sans-serif"


def _text_block(lines: list[str], *, top: float, size: int, leading: float, attrs: str) -> str:
    tspans = "".join(
        f'<tspan x="{WIDTH // 2}" y="{markup.number(top + i * size * leading)}">'
        f"{markup.text(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="middle" font-size="{size}" {attrs}>{tspans}</text>'


def splash_svg(spec: AppSpec) -> str:
    start, end = gradient(spec)
    primary = colour.to_hex(start)
    mark = icon_text(spec)
    mark_fonts = _EMOJI_FONTS if glyph(spec) is not None else _FONTS
    mark_size = 170 if glyph(spec) is not None else (150 if len(mark) < 2 else 120)
    name_lines = markup.lines(spec.name, width=16, max_lines=2)
    about_lines = markup.lines(spec.description, width=34, max_lines=3) if spec.description else []
    name_top = 1090
    about_top = name_top + 96 * 1.15 * (len(name_lines) - 1) + 110
    card = 320
    card_x, card_y = (WIDTH - card) // 2, 640
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{markup.text(spec.name)}">'
        f"<title>{markup.text(spec.name)}</title>"
        '<defs><linearGradient id="bg" x1="0" y1="0" x2="0.35" y2="1">'
        f'<stop offset="0" stop-color="{primary}"/>'
        f'<stop offset="1" stop-color="{colour.to_hex(end)}"/></linearGradient>'
        '<filter id="lift" x="-30%" y="-30%" width="160%" height="160%">'
        '<feDropShadow dx="0" dy="18" stdDeviation="24" flood-color="#000000" '
        'flood-opacity="0.22"/></filter></defs>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#bg)"/>'
        '<circle cx="930" cy="260" r="420" fill="#ffffff" opacity="0.10"/>'
        '<circle cx="90" cy="1720" r="480" fill="#ffffff" opacity="0.07"/>'
        '<circle cx="1000" cy="1500" r="160" fill="#ffffff" opacity="0.06"/>'
        f'<rect x="{card_x}" y="{card_y}" width="{card}" height="{card}" rx="{card * 0.225:.0f}" '
        'fill="#ffffff" filter="url(#lift)"/>'
        f'<text x="{WIDTH // 2}" y="{card_y + card // 2 + 8}" text-anchor="middle" '
        f'dominant-baseline="middle" font-family="{mark_fonts}" font-size="{mark_size}" '
        f'font-weight="700" fill="{primary}">{markup.text(mark)}</text>'
        + _text_block(
            name_lines,
            top=name_top,
            size=96,
            leading=1.15,
            attrs=f'font-family="{_FONTS}" font-weight="800" fill="#ffffff"',
        )
        + _text_block(
            about_lines,
            top=about_top,
            size=40,
            leading=1.4,
            attrs=f'font-family="{_FONTS}" fill="#ffffff" opacity="0.86"',
        )
        + '<g fill="#ffffff">'
        '<circle cx="500" cy="1700" r="10" opacity="0.9"/>'
        '<circle cx="540" cy="1700" r="10" opacity="0.6"/>'
        '<circle cx="580" cy="1700" r="10" opacity="0.3"/></g>'
        "</svg>\n"
    )
