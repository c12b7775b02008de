"""The seam between the handler and whatever makes pictures.

The handler asks an `ImageGenerator` for each planned image. The built-in `ArtGenerator`
draws vector art and pixel icons from the theme; a model-based generator (`model.py`)
implements the same protocol and reports its spend in `Image.model_calls`.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from appgen.events.transport.activity import PipelineActivity
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
    """The built-in generator: pure drawing, run off the event loop (rasterizing takes CPU).

    With `previews`, each drawing first waits, for at most `hold_s`, until no preview is being
    made (`appgen.images.previews`): this stage starts at the same event as the scaffolder, and
    an icon's 75 ms of CPU beside it was time every preview on the machine waited. The bound
    keeps a steady stream of generations from starving the images.
    """

    def __init__(self, previews: PipelineActivity | None = None, *, hold_s: float = 0.25) -> None:
        self.previews = previews
        self.hold_s = hold_s

    async def generate(self, spec: AppSpec, request: ImageRequest, *, project_id: str) -> Image:
        del project_id  # drawing spends nothing, so there is no budget to check
        if self.previews is not None:
            await self.previews.until_quiet(self.hold_s)
        return await asyncio.to_thread(draw, spec, request)
