"""The Expo project's pictures: the images stage's icon at the sizes Expo asks for, or a
stand-in in the theme's gradient. Pillow reads and scales them; PNG with no metadata chunks, so
the same input gives the same bytes."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image

ICON_SIZE = 1024  # Expo's size for the icon, the adaptive icon and the splash
FAVICON_SIZE = 48
_LARGEST = 4096  # anything bigger is not an icon the images stage drew


def _read(data: bytes) -> Image.Image | None:
    """A square PNG as RGBA; None for anything else."""
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as picture:
            if picture.width != picture.height or picture.width > _LARGEST:
                return None
            return picture.convert("RGBA")
    except OSError:  # not a PNG, or a broken one
        return None


def _gradient(size: int, start: str, end: str) -> Image.Image:
    """A square in a diagonal gradient from `start` (top left) to `end` (bottom right)."""
    step = 255 / (2 * size - 2)
    ramp = Image.linear_gradient("L").transform(
        (size, size), Image.Transform.AFFINE, (0, 0, 0, step, step, 0)
    )
    return Image.composite(
        Image.new("RGBA", ramp.size, end), Image.new("RGBA", ramp.size, start), ramp
    )


def _png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


@lru_cache(maxsize=16)
def icon_and_favicon(source: bytes | None, primary: str, accent: str) -> tuple[bytes, bytes]:
    """The icon (`ICON_SIZE` square) and the favicon (`FAVICON_SIZE`), as PNG: `source` (the
    images stage's icon) scaled, else a square in the theme's gradient."""
    picture = _read(source) if source is not None else None
    if picture is None:
        picture = _gradient(ICON_SIZE, primary, accent)
    if picture.width != ICON_SIZE:
        picture = picture.resize((ICON_SIZE, ICON_SIZE), Image.Resampling.LANCZOS)
    favicon = picture.resize((FAVICON_SIZE, FAVICON_SIZE), Image.Resampling.LANCZOS)
    return _png(picture), _png(favicon)
