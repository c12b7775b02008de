"""The built-in art: which images an app gets, and drawing each one. Pure: no I/O, no clock.

The paths are a contract with the renderers (the web manifest and pages point at them).
"""

from __future__ import annotations

import io

from appgen.images.icon import icon_image, icon_svg
from appgen.images.illustration import illustration_svg
from appgen.images.splash import splash_svg
from appgen.images.types import Image, ImageRequest, ImageRole, Rendition
from appgen.spec import AppSpec

ICON_SVG = "assets/icon.svg"
SPLASH_SVG = "assets/splash.svg"
# 192 and 512 for the web manifest, 1024 for Expo (its icon, adaptive icon and splash).
ICON_PNG_SIZES = (192, 512, 1024)
SVG = "image/svg+xml"
PNG = "image/png"


def icon_png_path(size: int) -> str:
    return f"assets/icon-{size}.png"


def illustration_path(entity_name: str) -> str:
    return f"assets/illustrations/{entity_name}.svg"


def image_requests(spec: AppSpec) -> tuple[ImageRequest, ...]:
    """The images `spec` needs, icon first so that the PWA's icon lands early."""
    return (
        ImageRequest("icon", ImageRole.icon),
        ImageRequest("splash", ImageRole.splash),
        *(ImageRequest(e.name, ImageRole.illustration, entity=e.name) for e in spec.entities),
    )


def icon_png(spec: AppSpec, size: int) -> bytes:
    """The raster icon as PNG: pixels only, no text or time chunks, so the same spec gives the
    same bytes."""
    out = io.BytesIO()
    icon_image(spec, size).save(out, "PNG")
    return out.getvalue()


def draw(spec: AppSpec, request: ImageRequest) -> Image:
    """Every file of one requested image; the same spec and request always give the same bytes."""
    if request.purpose is ImageRole.icon:
        renditions = (
            Rendition(ICON_SVG, SVG, icon_svg(spec).encode()),
            *(Rendition(icon_png_path(s), PNG, icon_png(spec, s)) for s in ICON_PNG_SIZES),
        )
    elif request.purpose is ImageRole.splash:
        renditions = (Rendition(SPLASH_SVG, SVG, splash_svg(spec).encode()),)
    else:
        if request.entity is None:
            raise ValueError(f"illustration {request.name!r} names no entity")
        entity = spec.entity(request.entity)
        renditions = (
            Rendition(illustration_path(entity.name), SVG, illustration_svg(spec, entity).encode()),
        )
    return Image(request, renditions)
