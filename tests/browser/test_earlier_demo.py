"""The earlier generator's demo page, in Chromium, served from another origin, unchanged in what
it does: against a gateway without keys (`appgen up --no-auth`) it follows a generation to the end.

The page below is written in the style of that demo: it makes its own UUID, opens the socket with
no key and no token, sends `start`, and renders `data.stage` through its own table of stage names,
`data.progress`, the screens with `.length` and `.forEach`, and a link to `data.preview_url`. It
is served by a plain HTTP server on another port, so every URL it gets must be absolute.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, expect

from appgen.gateway import Settings
from appgen.gateway.testing import serve_gateway
from tests.browser.conftest import page_on
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.browser

PROMPT = "Create a recipe app with shopping lists"
TIMEOUT_MS = 60_000

DEMO = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <title>Real-Time App Generator</title>
  <link rel="icon" href="data:,">
</head>
<body>
  <textarea id="prompt"></textarea>
  <button id="generateBtn" onclick="startGeneration()">Generate App Now</button>
  <div id="progressSection">
    <span id="progressStage">Initializing...</span>
    <span id="progressPercent">0%</span>
    <div id="progressMessage">Starting generation...</div>
    <div id="screensList" style="display: none;">
      <h3>Screens Added:</h3>
      <div id="screensContainer"></div>
    </div>
  </div>
  <div id="previewSection" style="display: none;">
    <a href="#" id="previewLink" target="_blank">Open Preview</a>
  </div>
  <div id="errorMessage"></div>
  <script>
    const WS_BASE = '__WS_BASE__';
    let currentWebSocket = null;
    let currentProjectId = null;
    window.stagesShown = [];

    function startGeneration() {
      const prompt = document.getElementById('prompt').value.trim();
      document.getElementById('generateBtn').disabled = true;
      currentProjectId = generateUUID();
      currentWebSocket = new WebSocket(`${WS_BASE}/api/v1/ws/generate/${currentProjectId}`);
      currentWebSocket.onopen = () => {
        currentWebSocket.send(JSON.stringify({
          action: 'start',
          prompt: prompt,
          user_id: 'demo-user'
        }));
      };
      currentWebSocket.onmessage = (event) => {
        handleWebSocketMessage(JSON.parse(event.data));
      };
      currentWebSocket.onclose = () => {
        document.getElementById('generateBtn').disabled = false;
      };
    }

    function handleWebSocketMessage(message) {
      if (message.type === 'progress') {
        updateProgress(message.data);
      } else if (message.type === 'complete') {
        handleComplete(message.data);
      } else if (message.type === 'error') {
        showError(message.error);
      }
    }

    function updateProgress(data) {
      document.getElementById('progressPercent').textContent = data.progress + '%';
      const stage = formatStage(data.stage);
      window.stagesShown.push(stage);
      document.getElementById('progressStage').textContent = stage;
      document.getElementById('progressMessage').textContent = data.message;
      if (data.preview_url) {
        showPreview(data.preview_url);
      }
      if (data.screens_added && data.screens_added.length > 0) {
        showScreens(data.screens_added);
      }
    }

    function showPreview(previewUrl) {
      document.getElementById('previewSection').style.display = 'block';
      document.getElementById('previewLink').href = previewUrl;
    }

    function showScreens(screens) {
      document.getElementById('screensList').style.display = 'block';
      const container = document.getElementById('screensContainer');
      screens.forEach(screen => {
        if (!document.querySelector(`[data-screen="${screen}"]`)) {
          const item = document.createElement('div');
          item.className = 'screen-item';
          item.setAttribute('data-screen', screen);
          item.textContent = screen;
          container.appendChild(item);
        }
      });
    }

    function handleComplete(data) {
      document.getElementById('progressPercent').textContent = '100%';
      document.getElementById('progressStage').textContent = 'Complete!';
      document.getElementById('progressMessage').textContent = 'Your app is ready!';
      if (data.success && data.screens_added.length > 0) showScreens(data.screens_added);
    }

    function showError(message) {
      document.getElementById('errorMessage').textContent = 'Error: ' + message;
    }

    function formatStage(stage) {
      const stageMap = {
        'analyzing': 'Analyzing',
        'creating_project': 'Creating Project',
        'generating_base': 'Generating Base',
        'installing_deps': 'Installing Dependencies',
        'starting_server': 'Starting Server',
        'creating_tunnel': 'Creating Preview',
        'preview_ready': 'Preview Ready',
        'generating_screens': 'Adding Screens',
        'adding_components': 'Adding Components',
        'generating_images': 'Generating Images',
        'complete': 'Complete',
        'error': 'Error'
      };
      return stageMap[stage] || stage;
    }

    function generateUUID() {
      return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, function(c) {
        const r = Math.random() * 16 | 0;
        const v = c === 'x' ? r : (r & 0x3 | 0x8);
        return v.toString(16);
      });
    }
  </script>
</body>
</html>
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test's output is its assertions."""


@contextmanager
def demo_site(folder: Path, ws_base: str) -> Iterator[str]:
    """The demo page on a port of its own (another origin than the gateway's); yields its URL."""
    (folder / "index.html").write_text(DEMO.replace("__WS_BASE__", ws_base), encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


async def test_the_earlier_demo_page_on_another_origin_reaches_completion(
    browser: Browser, nats_url: str, database_url: str, tmp_path: Path
) -> None:
    settings = Settings(nats_url=nats_url, database_url=database_url, gateway_port=0, auth="off")
    errors: list[str] = []
    async with (
        running_pipeline(nats_url, database_url),
        serve_gateway(settings) as origin,
        page_on(browser, errors) as page,
    ):
        with demo_site(tmp_path, "ws" + origin.removeprefix("http")) as demo:
            assert not demo.startswith(origin)
            await page.goto(demo)
            await page.fill("#prompt", PROMPT)
            await page.click("#generateBtn")
            await expect(page.locator("#progressStage")).to_have_text(
                "Complete!", timeout=TIMEOUT_MS
            )
            await expect(page.locator("#progressPercent")).to_have_text("100%")
            assert await page.locator("#errorMessage").text_content() == ""

            screens = await page.locator(".screen-item").all_text_contents()
            assert len(screens) >= 2, screens
            shown = await page.evaluate("window.stagesShown")
            assert "Adding Screens" in shown, shown
            assert {"Analyzing", "Starting Server", "Preview Ready"} <= set(shown), shown
            assert "adding_screens" not in shown

            link = await page.locator("#previewLink").get_attribute("href")
            assert link is not None
            assert link.startswith(f"{origin}/preview/"), link
            opened = await page.context.request.get(link)
            assert opened.status == 200
            assert opened.headers["content-type"].startswith("text/html")
    assert errors == [], errors
