"""Colours as RGB triples: parsing the theme's hex strings, mixing, and shifting hue."""

from __future__ import annotations

import colorsys

RGB = tuple[int, int, int]

WHITE: RGB = (255, 255, 255)
INK: RGB = (20, 20, 28)


def parse(hex_colour: str) -> RGB:
    """`#rrggbb` (the spec's HexColour) to an RGB triple."""
    value = hex_colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def to_hex(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour a fraction `t` of the way from `a` to `b`."""
    t = min(max(t, 0.0), 1.0)
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def tint(colour: RGB, amount: float) -> RGB:
    """Lighter: `amount` of the way to white."""
    return mix(colour, WHITE, amount)


def shade(colour: RGB, amount: float) -> RGB:
    """Darker: `amount` of the way to near-black ink."""
    return mix(colour, INK, amount)


def rotate_hue(colour: RGB, turns: float) -> RGB:
    """The same lightness and saturation at a hue turned by `turns` (1.0 is a full circle).

    Gives each illustration a third colour of its own that still sits with the theme.
    """
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in colour))
    r, g, b = colorsys.hls_to_rgb((h + turns) % 1.0, lightness, max(s, 0.35))
    return (round(r * 255), round(g * 255), round(b * 255))
