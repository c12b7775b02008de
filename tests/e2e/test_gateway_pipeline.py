"""A prompt through the gateway and every real service: progress over the socket, a live preview."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from typing import Any

import httpx
import pytest
import websockets

from appgen.gateway import Settings
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.store import EventStore
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.e2e


async def follow_until_done(url: str, key: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    async with (
        websockets.connect(url, additional_headers=bearer(key)) as socket,
        asyncio.timeout(60),
    ):
        while not messages or messages[-1]["type"] == "progress":
            message = json.loads(await socket.recv())
            if "position" in message and "event_id" in message:
                messages.append(message)
    return messages


async def test_a_prompt_through_the_gateway_becomes_a_live_preview(
    nats_url: str, database_url: str
) -> None:
    settings = Settings(nats_url=nats_url, database_url=database_url, gateway_port=0)
    store = await EventStore.open(database_url)
    key = await create_key(database_url)
    try:
        async with (
            running_pipeline(nats_url, database_url),
            serve_gateway(settings) as origin,
            httpx.AsyncClient(base_url=origin, timeout=30, headers=bearer(key)) as http,
        ):
            created = await http.post(
                "/api/v1/projects", json={"prompt": "A plant watering tracker with reminders"}
            )
            assert created.status_code == 202
            project = created.json()
            messages = await follow_until_done(project["websocket_url"], key)
            assert messages[-1]["type"] == "complete", messages[-1]
            stages = [m["stage"] for m in messages]
            assert stages[0] == "queued"
            assert "preview_ready" in stages
            assert any(m["data"].get("screens_added") for m in messages)

            # What the socket delivered is the stored history: in order, each event once.
            await asyncio.sleep(0.3)
            history = await store.history(project["project_id"])
            delivered = [(m["position"], m["event_id"]) for m in messages]
            assert (
                delivered
                == [(h.position, str(h.event.event_id)) for h in history][: len(delivered)]
            )

            state = (await http.get(f"/api/v1/projects/{project['project_id']}")).json()
            assert state["status"] == "complete"
            assert state["screens"]

            page = await http.get(project["preview_url"])
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
            assert "__live.js" in page.text
            assert "default-src 'self'" in page.headers["content-security-policy"]
            files = (await http.get(f"/api/v1/projects/{project['project_id']}/files")).json()
            for entry in files["files"]:
                served = await http.get(entry["url"])
                assert served.status_code == 200, entry["path"]

            export = await http.get(f"/api/v1/projects/{project['project_id']}/export")
            with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
                names = {name.split("/", 1)[1] for name in archive.namelist()}
            assert names == {entry["path"] for entry in files["files"]}
            assert "index.html" in names
    finally:
        await store.close()
