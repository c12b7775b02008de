"""The images service: an app's icon, splash and one illustration per entity, from its spec."""

from appgen.images.art import (
    ICON_PNG_SIZES,
    ICON_SVG,
    SPLASH_SVG,
    draw,
    icon_png_path,
    illustration_path,
    image_requests,
)
from appgen.images.generator import ArtGenerator, ImageGenerator
from appgen.images.handlers import build_worker, images_worker
from appgen.images.settings import Settings
from appgen.images.types import Image, ImageRequest, ImageRole, Rendition

__all__ = [
    "ICON_PNG_SIZES",
    "ICON_SVG",
    "SPLASH_SVG",
    "ArtGenerator",
    "Image",
    "ImageGenerator",
    "ImageRequest",
    "ImageRole",
    "Rendition",
    "Settings",
    "build_worker",
    "draw",
    "icon_png_path",
    "illustration_path",
    "image_requests",
    "images_worker",
]
