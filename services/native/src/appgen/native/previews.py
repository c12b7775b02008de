"""The Expo Go pool: at most N Metro dev servers (`expo start`, offline, no account), one per
project, each in its own folder with its own Metro cache, stopped when idle.

Commanded over core NATS (`appgen.events.native.StartPreview`, answered at once: accepted, full
or unavailable); the lifecycle is published as events. While a server runs it follows its
project's events live: a screen that lands or an edit applied is rendered again and only the
files that changed are written, so Metro's fast refresh updates the phone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import time
from pathlib import Path

from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from pydantic import ValidationError

from appgen.events import (
    EditApplied,
    EventBus,
    FilesWritten,
    NativePreviewFailed,
    NativePreviewReady,
    NativePreviewStarted,
    NativePreviewStopped,
    event_types,
)
from appgen.events.catalog.envelope import Event
from appgen.events.catalog.native import (
    PREVIEWS_QUEUE,
    PREVIEWS_SUBJECT,
    PreviewAnswer,
    StartPreview,
)
from appgen.events.catalog.subjects import parse_subject, project_filter
from appgen.events.transport.blobs import BlobStore
from appgen.native.builder import WebBuilder
from appgen.native.metro import Server, free_port, packager_status, spawn, terminate, write_changes
from appgen.native.project import expo_files, for_metro, version_at
from appgen.native.settings import NativeSettings
from appgen.render.expo_toolchain import link_dependencies

log = logging.getLogger(__name__)

# What changes a project's rendering: files written, and an applied version.
_CHANGES = frozenset(
    name for name, kind in event_types().items() if issubclass(kind, FilesWritten)
) | {EditApplied.__name__}
_SETTLE_S = 0.2


class MetroPool:
    def __init__(
        self, bus: EventBus, blobs: BlobStore, builder: WebBuilder, settings: NativeSettings
    ):
        self.bus = bus
        self.blobs = blobs
        self.builder = builder
        self.settings = settings
        self.servers: dict[str, Server] = {}

    # Commands --------------------------------------------------------------------------------

    async def start(self, request: StartPreview) -> PreviewAnswer:
        """Start the project's server, or keep the one running. Answers once its
        NativePreviewStarted is in the log (Metro itself comes up later)."""
        now = time.monotonic()
        running = self.servers.get(request.project_id)
        if running is not None:
            running.last_used = now
            return PreviewAnswer(status="accepted")
        missing = self.builder.missing()
        if missing:
            return PreviewAnswer(status="unavailable", reason=missing)
        if self.settings.previews == 0:
            return PreviewAnswer(status="unavailable", reason="this service runs no previews")
        used = {server.slot for server in self.servers.values()}
        free = [slot for slot in range(1, self.settings.previews + 1) if slot not in used]
        if not free:
            soonest = min(s.last_used for s in self.servers.values()) + self.settings.preview_idle_s
            return PreviewAnswer(
                status="full",
                retry_after_s=max(1, round(soonest - now)),
                reason=f"all {self.settings.previews} Expo Go servers are in use",
            )
        server = Server(request.project_id, free[0], Path())
        self.servers[request.project_id] = server
        try:
            version = version_at(await self.bus.log.everything(request.project_id))
            if version is None:
                self.servers.pop(request.project_id, None)
                return PreviewAnswer(status="unavailable", reason="the project has no app spec yet")
            host = request.host or self.settings.preview_host or "127.0.0.1"
            port = free_port()
            server.expo_url = f"exp://{host}:{port}"
            await self._publish(
                NativePreviewStarted(
                    project_id=server.project_id,
                    expo_url=server.expo_url,
                    version=version.number,
                    position=version.position,
                )
            )
        except BaseException:
            self.servers.pop(request.project_id, None)
            raise
        server.task = asyncio.create_task(self._run(server, host, port))
        return PreviewAnswer(status="accepted")

    async def serve(self, stop: asyncio.Event) -> None:
        """Answer start commands and stop idle servers until `stop`; then stop every server."""
        subscription = await self.bus.nc.subscribe(
            PREVIEWS_SUBJECT, queue=PREVIEWS_QUEUE, cb=self._on_command
        )
        try:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=1.0)
                self._stop_idle()
        finally:
            await subscription.unsubscribe()
            for server in list(self.servers.values()):
                server.stop_reason = "the native service stopped"
                await self._finish(server)

    async def _on_command(self, msg: Msg) -> None:
        try:
            answer = await self.start(StartPreview.model_validate_json(msg.data))
        except ValidationError as error:
            answer = PreviewAnswer(status="unavailable", reason=f"bad request: {error}"[:2000])
        await msg.respond(answer.model_dump_json().encode())

    def _stop_idle(self) -> None:
        now = time.monotonic()
        for server in list(self.servers.values()):
            if server.stop_reason is None and now - server.last_used > self.settings.preview_idle_s:
                server.stop_reason = f"idle for {self.settings.preview_idle_s:.0f} s"
                terminate(server.process)

    # One server's life -----------------------------------------------------------------------

    async def _run(self, server: Server, host: str, port: int) -> None:
        watch: Subscription | None = None
        sync: asyncio.Task[None] | None = None
        try:
            tree = await asyncio.to_thread(self.builder.tree)
            server.folder = tree.parent / f"{tree.name}-metro-{server.slot}"

            async def on_event(msg: Msg) -> None:
                self._on_event(server, msg)

            watch = await self.bus.nc.subscribe(project_filter(server.project_id), cb=on_event)
            await self._prepare(server, tree)
            server.process = await spawn(server, host, port)
            seconds = await self._until_ready(server, port)
            await self._publish(
                NativePreviewReady(
                    project_id=server.project_id, expo_url=server.expo_url, seconds=seconds
                )
            )
            sync = asyncio.create_task(self._follow(server))
            status = await server.process.wait()
            if server.stop_reason is None:
                raise _Failed(f"expo start exited with status {status}")
        except _Failed as error:
            await self._publish_failed(server, str(error))
        except Exception as error:
            log.exception("Expo Go server of %s failed", server.project_id)
            await self._publish_failed(server, f"{type(error).__name__}: {error}")
        finally:
            if sync is not None:
                sync.cancel()
            if watch is not None:
                with contextlib.suppress(Exception):
                    await watch.unsubscribe()
            terminate(server.process)
            if server.stop_reason is not None:
                with contextlib.suppress(Exception):
                    await self._publish(
                        NativePreviewStopped(
                            project_id=server.project_id, reason=server.stop_reason
                        )
                    )
            self.servers.pop(server.project_id, None)

    async def _finish(self, server: Server) -> None:
        terminate(server.process)
        if server.task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(server.task), 15)

    async def _prepare(self, server: Server, tree: Path) -> None:
        project = server.project
        shutil.rmtree(project, ignore_errors=True)
        project.mkdir(parents=True)
        (server.folder / "tmp").mkdir(exist_ok=True)
        await self._sync(server)
        link_dependencies(project, tree)

    async def _until_ready(self, server: Server, port: int) -> float:
        deadline = time.monotonic() + self.settings.preview_start_timeout_s
        while time.monotonic() < deadline:
            process = server.process
            if process is not None and process.returncode is not None:
                raise _Failed(f"expo start exited with status {process.returncode}")
            if await packager_status(port) == "packager-status:running":
                return round(time.monotonic() - server.started, 3)
            await asyncio.sleep(0.25)
        raise _Failed(f"Metro did not answer within {self.settings.preview_start_timeout_s:.0f} s")

    def _on_event(self, server: Server, msg: Msg) -> None:
        with contextlib.suppress(ValueError):
            if parse_subject(msg.subject)[1] in _CHANGES:
                server.changed.set()

    async def _follow(self, server: Server) -> None:
        while True:
            await server.changed.wait()
            await asyncio.sleep(_SETTLE_S)
            server.changed.clear()
            try:
                if await self._sync(server):
                    server.last_used = time.monotonic()
            except Exception:
                log.exception("could not update the Expo Go files of %s", server.project_id)

    async def _sync(self, server: Server) -> bool:
        """Render the project's newest version and write what changed; True if anything did."""
        records = await self.bus.log.everything(server.project_id)
        version = version_at(records)
        if version is None:
            return False
        images = {}
        for path, write in version.images.items():
            data = await self.blobs.get(write.sha256)
            if data is not None:
                images[path] = data
        files = for_metro(expo_files(version.spec, images))
        return await asyncio.to_thread(write_changes, server, files)

    async def _publish(self, event: Event) -> None:
        await self.bus.publish(event)

    async def _publish_failed(self, server: Server, reason: str) -> None:
        server.stop_reason = None
        with contextlib.suppress(Exception):
            await self._publish(
                NativePreviewFailed(
                    project_id=server.project_id, reason=reason[:2000], log_tail=server.tail()
                )
            )


class _Failed(Exception):
    pass
