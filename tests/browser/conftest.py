"""Browser fixtures: Debian's Chromium driven by Playwright, and generated apps served over HTTP
with the same Content-Security-Policy the gateway sends with a preview."""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Page,
    ViewportSize,
    async_playwright,
)

from appgen.events import FileWrite

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The policy the gateway serves previews with: no inline script, no eval, nothing from elsewhere.
PREVIEW_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'self'"
)
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=820)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@asynccontextmanager
async def page_on(
    browser: Browser, errors: list[str], *, ignore: tuple[str, ...] = ()
) -> AsyncIterator[Page]:
    """A desktop-sized page of its own context that collects the gateway page's own console
    errors and uncaught exceptions into `errors` (a generated app inside the preview frame has
    its own tests); messages containing any of `ignore` are expected and left out."""
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()

    def on_console(message: Any) -> None:
        url = message.location.get("url", "")
        expected = "/preview/" in url or any(part in message.text for part in ignore)
        if message.type == "error" and not expected:
            errors.append(f"{message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    try:
        yield page
    finally:
        await context.close()


_TYPES = {
    ".js": "text/javascript",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
}


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", PREVIEW_CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def guess_type(self, path: str | Any) -> str:
        suffix = Path(str(path)).suffix
        return (
            _TYPES.get(suffix) or mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        )

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test's output is its assertions."""


@dataclass
class AppSite:
    """A folder of generated files served on a free local port; more files can land later."""

    root: Path
    url: str

    def write(self, files: Iterable[FileWrite]) -> None:
        for file in files:
            target = self.root / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            if file.text is None:
                raise ValueError(f"{file.path}: blob files are not served by this fixture")
            target.write_text(file.text, encoding="utf-8")

    def under(self, folder: str) -> AppSite:
        """The same server, serving an app from a sub-folder (as the gateway does, per project)."""
        return AppSite(root=self.root / folder, url=f"{self.url}{folder}/")

    def write_bytes(self, path: str, data: bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[AppSite]:
    """An empty site; the test writes the files of an app into it."""
    root = tmp_path / "site"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield AppSite(root=root, url=f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the session; skips browser tests when it is not installed."""
    if not CHROMIUM.exists():  # noqa: ASYNC240 - one stat, before anything starts
        pytest.skip(f"{CHROMIUM} is missing: run `make browser` (scripts/ensure-chromium.sh)")
    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield instance
        finally:
            await instance.close()


@dataclass
class WatchedPage:
    """A page and everything it complained about: console errors, uncaught errors, dialogs."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self, *, allow_missing_files: bool = False) -> list[str]:
        """What went wrong; a 404 while files are still arriving may be allowed."""
        console = [
            e
            for e in self.console_errors
            if not (allow_missing_files and "404" in e and "Failed to load resource" in e)
        ]
        return (
            console
            + [f"page error: {e}" for e in self.page_errors]
            + [f"dialog: {d}" for d in self.dialogs]
        )


@asynccontextmanager
async def watching(browser: Browser) -> AsyncIterator[WatchedPage]:
    """A phone-sized page in a fresh context, recording console errors, page errors and dialogs."""
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, has_touch=True)
    page = await context.new_page()
    result = WatchedPage(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            result.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    async def on_dialog(dialog: Dialog) -> None:
        result.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: result.page_errors.append(str(error)))
    page.on("dialog", on_dialog)
    try:
        yield result
    finally:
        await context.close()


@pytest.fixture
async def watched(browser: Browser) -> AsyncIterator[WatchedPage]:
    """A phone-sized page in a fresh context, recording console errors, page errors and dialogs."""
    async with watching(browser) as result:
        yield result
