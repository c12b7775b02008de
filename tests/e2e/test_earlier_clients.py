"""The earlier generator's streaming client, played exactly, against the real pipeline.

That client never calls REST first and sends no key: it makes its own (hyphenated) UUID, opens
`/api/v1/ws/generate/{uuid}`, sends `{"action": "start", "prompt", "user_id"}` and reads only
`type`, `data.{stage, message, progress, preview_url, screens_added}` and, on an error, the
top-level `error`. It runs against a gateway without keys (`appgen up --no-auth`).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets

from appgen.gateway import Settings
from appgen.gateway.testing import serve_gateway
from tests.earlier import EARLIER_STAGES
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.e2e

PROMPT = "Create a fitness app with workout plans and progress tracking"
# appgen's steps the earlier generator had no name for; that client shows them as they are.
WITHOUT_AN_EARLIER_NAME = {"queued", "finalizing"}
TIMEOUT_S = 60


@asynccontextmanager
async def keyless_gateway(nats_url: str, database_url: str) -> AsyncIterator[str]:
    """The pipeline and a gateway as `appgen up --no-auth` runs them; yields its ws:// origin."""
    settings = Settings(nats_url=nats_url, database_url=database_url, gateway_port=0, auth="off")
    async with running_pipeline(nats_url, database_url), serve_gateway(settings) as origin:
        yield "ws" + origin.removeprefix("http")


async def earlier_client(ws_origin: str, prompt: str) -> list[dict[str, Any]]:
    """What the earlier demo page does: every message until `complete` or `error`."""
    project_id = str(uuid.uuid4())
    url = f"{ws_origin}/api/v1/ws/generate/{project_id}"
    received: list[dict[str, Any]] = []
    async with websockets.connect(url) as socket, asyncio.timeout(TIMEOUT_S):
        await socket.send(json.dumps({"action": "start", "prompt": prompt, "user_id": "demo-user"}))
        while not received or received[-1]["type"] not in ("complete", "error"):
            received.append(json.loads(await socket.recv()))
    return received


async def test_the_earlier_client_follows_a_generation_to_its_end(
    nats_url: str, database_url: str
) -> None:
    async with keyless_gateway(nats_url, database_url) as ws_origin:
        received = await earlier_client(ws_origin, PROMPT)
        progress = [m for m in received if m["type"] == "progress"]
        done = received[-1]
        assert done["type"] == "complete", done

        stages = [m["data"]["stage"] for m in progress]
        assert set(stages) <= EARLIER_STAGES | WITHOUT_AN_EARLIER_NAME, set(stages)
        for name in ("analyzing", "starting_server", "preview_ready", "generating_screens"):
            assert name in stages, stages

        for message in progress:
            data = message["data"]
            assert isinstance(data["progress"], int)
            assert data["message"]
            assert isinstance(data["screens_added"], list)  # .length and .forEach
        bars = [m["data"]["progress"] for m in progress]
        assert bars == sorted(bars)

        lengths = [len(m["data"]["screens_added"]) for m in progress]
        assert lengths == sorted(lengths)
        assert len(set(lengths)) > 2, lengths
        screens = done["data"]["screens_added"]
        assert (
            len(screens)
            == lengths[-1]
            == sum(1 for m in received if m.get("event_type") == "ScreenAdded")
        )
        assert all(isinstance(name, str) and name for name in screens)

        data = done["data"]
        assert data["success"] is True
        assert data["project_id"] == done["project_id"]
        assert data["app_name"]
        preview = data["preview_url"]
        http_origin = "http" + ws_origin.removeprefix("ws")
        assert preview.startswith(f"{http_origin}/preview/{data['project_id']}.")
        first_preview = next(m["data"]["preview_url"] for m in progress if m["data"]["preview_url"])
        assert first_preview == preview
        async with httpx.AsyncClient(timeout=30) as http:
            page = await http.get(preview)  # absolute: no origin needed, and no key
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("prompt", ["", "hi"])
async def test_the_earlier_client_sees_a_refused_prompt_as_an_error(
    nats_url: str, database_url: str, prompt: str
) -> None:
    async with keyless_gateway(nats_url, database_url) as ws_origin:
        received = await earlier_client(ws_origin, prompt)
    error = received[-1]
    assert error["type"] == "error"
    assert "prompt" in error["error"]
    assert error["data"]["error"] == error["error"]
    assert error["data"]["stage"] == "error"
