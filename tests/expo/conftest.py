"""Fixtures of the Expo export tests: the SDK's dependency tree installed once (cached between
runs under ~/.cache/appgen/expo-sdk54, or $APPGEN_EXPO_CACHE), a static server that answers
unknown paths with index.html (the web export is a single-page app), and a phone-sized page."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser

from appgen.render.expo_toolchain import ToolchainError, dependency_tree, missing_tools

# The browser tests' one Chromium for the session, shared rather than launched again.
from tests.browser.conftest import WatchedPage, browser, watching

__all__ = ["browser"]  # a fixture, re-exported so the Expo tests find it

REGISTRY_TIMEOUT_S = 30


def _registry_reachable() -> str | None:
    try:
        done = subprocess.run(
            ["npm", "ping"], capture_output=True, text=True, timeout=REGISTRY_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return f"npm ping timed out after {REGISTRY_TIMEOUT_S} s"
    return None if done.returncode == 0 else f"npm ping failed: {done.stderr.strip()[-300:]}"


@pytest.fixture(scope="session")
def expo_tree() -> Path:
    """The installed dependency tree every rendered project links to (skips without npm)."""
    reason = missing_tools()
    if reason:
        pytest.skip(f"Expo builds need Node.js: {reason}")
    try:
        started = time.monotonic()
        tree = dependency_tree()
    except ToolchainError as error:
        unreachable = _registry_reachable()
        if unreachable:
            pytest.skip(f"the npm registry is unreachable ({unreachable}); cannot install Expo")
        raise AssertionError(f"installing the Expo SDK dependencies failed: {error}") from None
    print(f"\nExpo dependency tree ready in {time.monotonic() - started:.1f} s: {tree}")
    return tree


class _SinglePage(SimpleHTTPRequestHandler):
    def send_head(self) -> Any:
        if not Path(self.translate_path(self.path)).is_file():
            self.path = "/index.html"
        return super().send_head()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test's output is its assertions."""


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """`root` over HTTP on a free port; any path that is not a file gets index.html."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_SinglePage, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[WatchedPage]:
    """A phone-sized page recording console errors, page errors and dialogs."""
    async with watching(browser) as result:
        yield result
