"""The seam between the handler and whatever makes pictures.

The handler asks an `ImageGenerator` for each planned image. The built-in `ArtGenerator`
draws vector art and pixel icons from the theme; a model-based generator (`model.py`)
implements the same protocol and reports its spend in `Image.model_calls`.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from appgen.images.art import draw
from appgen.images.types import Image, ImageRequest
from appgen.spec import AppSpec


class ImageGenerator(Protocol):
    async def generate(self, spec: AppSpec, request: ImageRequest, *, project_id: str) -> Image:
        """All renditions of `request` for `spec`, at the paths `art` names.

        Best deterministic: a redelivered input republishes the same event ids and the
        duplicates are dropped, so the files announced first are the ones that count; a
        generator that draws something else on a rerun only wastes that work.
        """
        ...


class ArtGenerator:
    """The built-in generator: pure drawing, run off the event loop (rasterizing takes CPU)."""

    async def generate(self, spec: AppSpec, request: ImageRequest, *, project_id: str) -> Image:
        del project_id  # drawing spends nothing, so there is no budget to check
        return await asyncio.to_thread(draw, spec, request)
