"""AnalysisCompleted in; one ImageGenerated per image, then ImagesCompleted, out.

An applied edit that added a list (EditApplied) gets that list's illustration too, so the app
never asks for a picture nobody drew; nothing else is drawn again for an edit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from appgen.events import (
    AnalysisCompleted,
    EditApplied,
    Event,
    EventBus,
    HandlerContext,
    ImageFellBack,
    ImageGenerated,
    ImagesCompleted,
    PermanentError,
    Stage,
    Worker,
)
from appgen.events.catalog.pipeline import IMAGES
from appgen.events.transport.activity import PipelineActivity
from appgen.events.transport.blobs import BlobStore
from appgen.events.transport.process import WorkerFactory, serve_worker
from appgen.images.art import illustration_path, image_requests
from appgen.images.generator import ArtGenerator, ImageGenerator
from appgen.images.llm_images import ModelImageGenerator
from appgen.images.previews import previews
from appgen.images.settings import Settings
from appgen.images.types import ImageRole
from appgen.llm import BudgetExceeded, Purpose, open_client

# Images run beside the screens; their events move the bar across this band.
BAND = IMAGES.band


def images_worker(
    blobs: BlobStore, generator: ImageGenerator, bus: EventBus | None = None
) -> Worker:
    """The images stage over a given blob store and generator (tests pass their own); with
    `bus`, it also draws the lists an edit adds."""
    worker = Worker(IMAGES)
    if bus is not None:
        draw_added_lists(worker, bus, blobs, generator)

    @worker.on(AnalysisCompleted)
    async def make_images(event: AnalysisCompleted, ctx: HandlerContext) -> AsyncIterator[Event]:
        requests = image_requests(event.spec)
        total = len(requests)
        for index, request in enumerate(requests):
            if index:
                await ctx.in_progress()
            logged = ctx.logged_output(ImageGenerated, name=request.name)
            if logged is not None:
                # Made (and its blobs stored) before a crash or a failure that a resume picks
                # up: not drawn, nor paid for, again.
                yield logged
                continue
            try:
                image = await generator.generate(event.spec, request, project_id=event.project_id)
            except BudgetExceeded as error:
                yield error.stopped(ctx, Stage.generating_images)
                raise PermanentError(str(error)) from error
            calls = image.model_calls
            if image.fell_back is not None:
                # Keyed by the image (its declaration), not counted: a rerun that reuses
                # earlier images emits fewer of these, and each keeps its own id.
                yield ctx.emit(
                    ImageFellBack,
                    model_calls=calls,
                    part=request.name,
                    reason=image.fell_back,
                )
                calls = ()
            # Blobs first: an event must never point at content the store lacks.
            for rendition in image.renditions:
                await blobs.put(rendition.data)
            yield ctx.emit(
                ImageGenerated,
                model_calls=calls,
                name=request.name,
                purpose=request.purpose.value,
                index=index,
                total=total,
                files=tuple(r.file_write() for r in image.renditions),
                progress=BAND.at(index, total),
            )
        yield ctx.emit(ImagesCompleted, count=total, progress=BAND.last)

    return worker


def draw_added_lists(
    worker: Worker, bus: EventBus, blobs: BlobStore, generator: ImageGenerator
) -> None:
    @worker.on(EditApplied)
    async def illustrate(event: EditApplied, ctx: HandlerContext) -> AsyncIterator[Event]:
        # Once the edit is applied, never before: a rejected edit leaves the files as they were.
        spec = (await bus.log.edits(event.project_id, at=ctx.position)).spec
        if spec is None:
            return
        tree = (await bus.log.files(event.project_id, at=ctx.position)).files
        requests = [
            r
            for r in image_requests(spec)
            if r.purpose is ImageRole.illustration and illustration_path(r.name) not in tree
        ]
        for index, request in enumerate(requests):
            try:
                image = await generator.generate(spec, request, project_id=event.project_id)
            except BudgetExceeded:
                # The edit is applied already; its new list gets the drawn art instead.
                image = await ArtGenerator().generate(spec, request, project_id=event.project_id)
            for rendition in image.renditions:
                await blobs.put(rendition.data)
            yield ctx.emit(
                ImageGenerated,
                model_calls=image.model_calls,
                name=request.name,
                purpose=request.purpose.value,
                index=index,
                total=len(requests),
                files=tuple(r.file_write() for r in image.renditions),
                progress=100,
            )


def build_worker(settings: Settings, making: PipelineActivity | None = None) -> WorkerFactory:
    """The images worker as `serve` builds it: pictures from the images API with
    APPGEN_IMAGE_MODEL, else drawn with the built-in art, which waits while `making` (the
    previews being made) is busy."""

    async def build(bus: EventBus) -> Worker:
        client = await open_client(
            bus.js, settings.llm, Purpose.image, replicas=bus.settings.stream_replicas
        )
        art = ArtGenerator(making, hold_s=settings.preview_hold_s)
        generator = ModelImageGenerator(client, art) if client else art
        return images_worker(await BlobStore.open(bus), generator, bus)

    return build


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """The process's body: the worker, and what its drawing yields to, on one connection."""
    if not settings.yield_to_previews:
        await serve_worker(build_worker(settings), settings, stop=stop, name="appgen-images")
        return
    activity = previews(longest_s=settings.preview_longest_s, quiet_s=settings.preview_quiet_s)

    async def listen(bus: EventBus, stop: asyncio.Event) -> None:
        await activity.run(bus.nc, stop)

    await serve_worker(
        build_worker(settings, activity),
        settings,
        stop=stop,
        alongside=[listen],
        name="appgen-images",
    )
