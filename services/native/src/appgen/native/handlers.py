"""Each version in (ProjectCompleted, EditApplied); its Expo web build out: NativeBuildStarted,
then NativeBuilt (the files in the blob store) or NativeBuildFailed (the log's tail). Without
Node.js, NativeBuildSkipped says why. Nothing here can fail or delay the project: the stage runs
after the version is a fact, and a failed build is a fact about the build only."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

from appgen.events import (
    BuiltFile,
    EditApplied,
    Event,
    EventBus,
    HandlerContext,
    NativeBuildFailed,
    NativeBuildSkipped,
    NativeBuildStarted,
    NativeBuilt,
    ProjectCompleted,
    Worker,
)
from appgen.events.catalog.pipeline import NATIVE
from appgen.events.transport.blobs import BlobStore
from appgen.events.transport.process import Alongside, WorkerFactory, serve_worker
from appgen.native.activity import generations
from appgen.native.builder import Build, WebBuilder
from appgen.native.previews import MetroPool
from appgen.native.project import content_type, expo_files, for_web, version_at
from appgen.native.settings import Settings
from appgen.render import EXPO_SDK
from appgen.render.gate import Gate
from appgen.spec import AppSpec

log = logging.getLogger(__name__)

# The spec and the images' bytes to the project that is built (tests break it on purpose).
ProjectFiles = Callable[[AppSpec, Mapping[str, bytes]], dict[str, bytes]]
PoolFactory = Callable[[EventBus], Awaitable[MetroPool]]


def web_project(spec: AppSpec, images: Mapping[str, bytes]) -> dict[str, bytes]:
    return for_web(expo_files(spec, images))


def native_worker(
    bus: EventBus,
    blobs: BlobStore,
    builder: WebBuilder,
    *,
    project_files: ProjectFiles = web_project,
    off: str | None = None,
) -> Worker:
    """The stage's worker; `off` says why builds are turned off, if they are."""
    worker = Worker(NATIVE)
    skipped = off or builder.missing()
    if skipped:
        log.warning("native builds are skipped here: %s", skipped)

    async def build_version(event: Event, ctx: HandlerContext) -> AsyncIterator[Event]:
        records = await bus.log.everything(event.project_id, until=ctx.position)
        version = version_at(records)
        if version is None:
            return
        if skipped:
            yield ctx.emit(NativeBuildSkipped, version=version.number, reason=skipped)
            return
        done = ctx.logged_output(NativeBuilt) or ctx.logged_output(NativeBuildFailed)
        started = ctx.logged_output(NativeBuildStarted)
        yield started or ctx.emit(
            NativeBuildStarted, version=version.number, position=version.position
        )
        if done is not None:
            yield done
            return
        images = {path: await _bytes(blobs, write.sha256) for path, write in version.images.items()}
        files = project_files(version.spec, {p: d for p, d in images.items() if d is not None})
        build = await asyncio.to_thread(builder.build, files)
        if not build.ok:
            yield ctx.emit(
                NativeBuildFailed,
                version=version.number,
                position=version.position,
                seconds=round(build.seconds, 3),
                reason=build.reason,
                log_tail=build.log_tail[-16000:],
            )
            return
        yield ctx.emit(
            NativeBuilt,
            version=version.number,
            position=version.position,
            seconds=round(build.seconds, 3),
            sdk=EXPO_SDK,
            files=await _store(blobs, build),
        )

    worker.on(ProjectCompleted)(build_version)
    worker.on(EditApplied)(build_version)
    return worker


async def _bytes(blobs: BlobStore, digest: str) -> bytes | None:
    return await blobs.get(digest)


async def _store(blobs: BlobStore, build: Build) -> tuple[BuiltFile, ...]:
    """Every output file into the blob store (before the event that names them)."""
    stored = []
    for path, data in build.files.items():
        digest = await blobs.put(data)
        stored.append(
            BuiltFile(path=path, content_type=content_type(path), size=len(data), sha256=digest)
        )
    return tuple(stored)


def web_builder(settings: Settings, gate: Gate | None = None) -> WebBuilder:
    native = settings.native
    return WebBuilder(
        native.expo_cache, check=native.typecheck, timeout=native.build_timeout_s, gate=gate
    )


def build_worker(settings: Settings, gate: Gate | None = None) -> WorkerFactory:
    """The build worker as `serve` (and the in-process pipeline) builds it; its builds run
    only while `gate` is open, if one is given."""

    async def build(bus: EventBus) -> Worker:
        off = (
            None
            if settings.native.builds
            else "native builds are turned off (APPGEN_NATIVE__BUILDS)"
        )
        return native_worker(bus, await BlobStore.open(bus), web_builder(settings, gate), off=off)

    return build


def build_pool(settings: Settings) -> PoolFactory:
    """The Expo Go dev servers' pool, built the way `build_worker` builds the worker."""

    async def build(bus: EventBus) -> MetroPool:
        return MetroPool(bus, await BlobStore.open(bus), web_builder(settings), settings.native)

    return build


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """The process's body: the build worker and the pool on one connection, until `stop`."""
    native = settings.native
    gate = Gate() if native.yield_to_generations else None

    async def serve_pool(bus: EventBus, stop: asyncio.Event) -> None:
        await (await build_pool(settings)(bus)).serve(stop)

    alongside: list[Alongside] = [serve_pool]
    if gate is not None:
        activity = generations(gate, quiet_s=native.quiet_s, longest_s=native.generation_longest_s)

        async def listen(bus: EventBus, stop: asyncio.Event) -> None:
            await activity.run(bus.nc, stop)

        alongside.append(listen)
    await serve_worker(
        build_worker(settings, gate), settings, stop=stop, alongside=alongside, name="appgen-native"
    )
