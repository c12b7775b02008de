"""A small RGBA canvas for the raster icons, fast enough in pure Python.

Every fill on the icon is a diagonal gradient, whose colour depends only on x + y; so a
whole row of one layer is a slice of one precomputed strip ("ramp"), and only the
anti-aliased edge pixels are computed one by one.
"""

from __future__ import annotations

import math

from appgen.images.colour import RGB, mix


class Ramp:
    """The colours of a diagonal gradient from `start` (top left) to `end` (bottom right)."""

    def __init__(self, size: int, start: RGB, end: RGB) -> None:
        steps = 2 * size - 1
        strip = bytearray()
        for i in range(steps):
            strip.extend(mix(start, end, i / max(steps - 1, 1)))
            strip.append(255)
        self.strip = bytes(strip)

    def over(self, colour: RGB, alpha: float) -> Ramp:
        """A ramp of `colour` laid over this one at `alpha`: a translucent layer stays diagonal."""
        layered = Ramp.__new__(Ramp)
        out = bytearray(self.strip)
        for i in range(0, len(out), 4):
            for c in range(3):
                out[i + c] = round(out[i + c] + (colour[c] - out[i + c]) * alpha)
        layered.strip = bytes(out)
        return layered

    def pixel(self, x: int, y: int) -> bytes:
        return self.strip[(x + y) * 4 : (x + y + 1) * 4]


class Canvas:
    def __init__(self, size: int, background: Ramp) -> None:
        self.size = size
        self.pixels = bytearray()
        for y in range(size):
            self.pixels.extend(background.strip[y * 4 : (y + size) * 4])

    def _span(self, y: int, x0: int, x1: int, ramp: Ramp) -> None:
        x0, x1 = max(x0, 0), min(x1, self.size)
        if 0 <= y < self.size and x0 < x1:
            start = (y * self.size + x0) * 4
            self.pixels[start : start + (x1 - x0) * 4] = ramp.strip[(x0 + y) * 4 : (x1 + y) * 4]

    def _blend(self, x: int, y: int, ramp: Ramp, coverage: float) -> None:
        if not (0 <= x < self.size and 0 <= y < self.size) or coverage <= 0:
            return
        at = (y * self.size + x) * 4
        source = ramp.strip[(x + y) * 4 : (x + y) * 4 + 3]
        for c in range(3):
            self.pixels[at + c] = round(
                self.pixels[at + c] + (source[c] - self.pixels[at + c]) * coverage
            )

    def rect(self, x: int, y: int, width: int, height: int, ramp: Ramp) -> None:
        """A solid, pixel-aligned rectangle (bitmap-font cells)."""
        for row in range(y, y + height):
            self._span(row, x, x + width, ramp)

    def circle(self, cx: float, cy: float, r: float, ramp: Ramp) -> None:
        """A filled, anti-aliased circle; coverage is one pixel's width of falloff at the edge."""
        for y in range(max(math.floor(cy - r - 1), 0), min(math.ceil(cy + r + 1), self.size)):
            dy = y + 0.5 - cy
            half = math.sqrt(max(r * r - dy * dy, 0.0))
            solid0, solid1 = math.ceil(cx - half + 1.5), math.floor(cx + half - 1.5)
            if abs(dy) < r - 1.5 and solid0 < solid1:
                self._span(y, solid0, solid1, ramp)
                edges = [
                    *range(math.floor(cx - half - 1.5), solid0),
                    *range(solid1, math.ceil(cx + half + 1.5)),
                ]
            else:
                edges = list(range(math.floor(cx - half - 1.5), math.ceil(cx + half + 1.5)))
            for x in edges:
                distance = math.hypot(x + 0.5 - cx, dy)
                self._blend(x, y, ramp, min(max(r + 0.5 - distance, 0.0), 1.0))

    def round_corners(self, radius: float) -> None:
        """Make the canvas a rounded square: alpha falls to zero outside each corner's arc."""
        n = self.size
        reach = min(math.floor(radius), n // 2)
        for y in range(reach):
            for x in range(reach):
                distance = math.hypot(radius - (x + 0.5), radius - (y + 0.5))
                alpha = (
                    round(255 * min(max(radius + 0.5 - distance, 0.0), 1.0))
                    if distance > radius - 0.5
                    else 255
                )
                for px, py in ((x, y), (n - 1 - x, y), (x, n - 1 - y), (n - 1 - x, n - 1 - y)):
                    self.pixels[(py * n + px) * 4 + 3] = alpha
