"""`appgen edit` and `appgen revert` as a new user runs them: subprocesses against a real gateway."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from appgen.events import EventBus, ProjectFailed, Stage
from appgen.gateway.testing import bearer, create_key, serve_gateway
from tests.e2e.cli_support import appgen
from tests.e2e.test_cli_generate import settings_for
from tests.e2e.test_edits import PROMPT, generate
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.e2e


async def test_edit_and_revert_from_the_terminal(
    nats_url: str, database_url: str, tmp_path: Path
) -> None:
    key = await create_key(database_url)
    data = ["--data-dir", str(tmp_path)]
    async with (
        running_pipeline(nats_url, database_url),
        serve_gateway(settings_for(nats_url, database_url)) as origin,
        httpx.AsyncClient(base_url=origin, headers=bearer(key), timeout=30) as http,
    ):
        project = await generate(http, key)
        pid = project["project_id"]

        ran = await appgen(origin, key, "edit", pid, "add a photo to tasks", *data)
        assert ran.code == 0, ran.err
        assert "Added field Photo (image) to Task" in ran.out
        assert "Version 2 is live" in ran.out
        state = (await http.get(f"/api/v1/projects/{pid}")).json()
        assert f"Preview: {state['preview_url']}" in ran.out

        refused = await appgen(origin, key, "edit", pid, "qwerty zxcv", *data)
        assert refused.code == 1
        assert "Not changed:" in refused.out
        assert "for example" in refused.out

        back = await appgen(origin, key, "revert", pid, "1", *data)
        assert back.code == 0, back.err
        assert "Version 3 is live" in back.out
        assert (await http.get(f"/api/v1/projects/{pid}")).json()["version"] == 3

        missing = await appgen(origin, key, "revert", pid, "9", *data)
        assert missing.code == 1
        assert "There is no version 9" in missing.err
        empty = await appgen(origin, key, "edit", pid, " ", *data)
        assert empty.code == 1
        assert "prompt" in empty.err
        unknown = await appgen(origin, key, "edit", "no-such-project", "make it dark", *data)
        assert unknown.code == 1
        assert "No project no-such-project" in unknown.err


async def test_a_failed_project_cannot_be_edited(
    nats_url: str, database_url: str, bus: EventBus
) -> None:
    key = await create_key(database_url)
    # No stages run: the project stays queued until it is failed by hand.
    async with (
        serve_gateway(settings_for(nats_url, database_url)) as origin,
        httpx.AsyncClient(base_url=origin, headers=bearer(key), timeout=30) as http,
    ):
        pid = (await http.post("/api/v1/projects", json={"prompt": PROMPT})).json()["project_id"]
        await bus.publish(
            ProjectFailed(project_id=pid, failed_stage=Stage.analyzing, reason="broken on purpose")
        )
        answer = await http.post(f"/api/v1/projects/{pid}/edits", json={"prompt": "make it dark"})
        assert answer.status_code == 409
        assert "resume it first" in answer.json()["detail"]
        events = (await http.get(f"/api/v1/projects/{pid}/events")).json()["items"]
        assert "EditRequested" not in [e["event_type"] for e in events]
