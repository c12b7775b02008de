"""`appgen generate`, `status` and `open` as real subprocesses against a real gateway and pipeline."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest

from appgen.gateway import Settings
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.stack.ports import free_port
from tests.e2e.cli_support import APPGEN, appgen
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.e2e

PROMPT = "Create a todo list app"
WITHOUT_IMAGES = {"images": 0}
ONLY_IMAGES = {"analyzer": 0, "scaffolder": 0, "screens": 0, "finisher": 0, "images": 1}


def settings_for(nats_url: str, database_url: str, port: int = 0) -> Settings:
    return Settings(nats_url=nats_url, database_url=database_url, gateway_port=port)


async def test_generate_exits_0_with_the_preview_url_and_status_shows_it(
    nats_url: str, database_url: str, tmp_path: Path
) -> None:
    key = await create_key(database_url)
    async with (
        running_pipeline(nats_url, database_url),
        serve_gateway(settings_for(nats_url, database_url)) as origin,
    ):
        ran = await appgen(origin, key, "generate", PROMPT, "--data-dir", str(tmp_path))
        assert ran.code == 0, ran.err
        project_id = re.search(r"Project (\S+)", ran.out).group(1)  # type: ignore[union-attr]
        async with httpx.AsyncClient(base_url=origin, headers=bearer(key)) as http:
            state = (await http.get(f"/api/v1/projects/{project_id}")).json()
        assert state["status"] == "complete"
        assert f"Preview: {state['preview_url']}" in ran.out
        assert "Your app is ready" in ran.out
        # Each screen is listed once, as it landed.
        for screen in state["screens"]:
            assert ran.out.count(f"+ screen {screen['title']} (") == 1, screen
        assert "▀" in ran.out or "▄" in ran.out or "█" in ran.out  # the QR code

        status = await appgen(origin, key, "status", project_id, "--data-dir", str(tmp_path))
        assert status.code == 0, status.err
        assert "complete, 100%" in status.out
        assert "Analyzing the prompt" in status.out
        assert status.out.count(" done ") >= 11
        assert f"Preview: {state['preview_url']}" in status.out
        assert "model usage" not in status.out  # no model calls without an LLM

        opened = await appgen(origin, key, "open", project_id, "--print")
        assert (opened.code, opened.out.strip()) == (0, state["preview_url"])

        unknown = await appgen(origin, key, "status", "no-such-project")
        assert unknown.code == 1
        assert "No project no-such-project" in unknown.err


async def test_generate_fails_clearly(nats_url: str, database_url: str, tmp_path: Path) -> None:
    key = await create_key(database_url)
    nowhere = f"http://127.0.0.1:{free_port()}"
    ran = await appgen(nowhere, key, "generate", PROMPT, "--data-dir", str(tmp_path))
    assert ran.code == 1
    assert f"no gateway answers at {nowhere}" in ran.err

    async with serve_gateway(settings_for(nats_url, database_url)) as origin:
        short = await appgen(origin, key, "generate", "ab", "--data-dir", str(tmp_path))
        assert short.code == 1
        assert "prompt: String should have at least 3 characters" in short.err
        no_key = await appgen(origin, None, "generate", PROMPT, "--data-dir", str(tmp_path))
        assert no_key.code == 1
        assert "needs an API key" in no_key.err


async def test_generate_survives_a_gateway_restart(
    nats_url: str, database_url: str, tmp_path: Path
) -> None:
    """The socket drops mid-generation; the command reconnects from its last position."""
    key = await create_key(database_url)
    settings = settings_for(nats_url, database_url, port=free_port())
    async with running_pipeline(nats_url, database_url, scale=WITHOUT_IMAGES):
        async with serve_gateway(settings) as origin:
            process = await asyncio.create_subprocess_exec(
                str(APPGEN),
                *("generate", PROMPT, "--url", origin, "--key", key, "--no-qr"),
                *("--data-dir", str(tmp_path)),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            assert process.stdout is not None
            seen: list[str] = []
            # Without images the project waits after its screens: a fixed point to cut at.
            async with asyncio.timeout(60):
                while not any("Finalizing" in line for line in seen):
                    line = (await process.stdout.readline()).decode()
                    assert line, f"appgen ended early: {seen}"
                    seen.append(line)
        async with (
            serve_gateway(settings),
            running_pipeline(nats_url, database_url, scale=ONLY_IMAGES, record=False),
        ):
            rest, err = await asyncio.wait_for(process.communicate(), 60)
    out = "".join(seen) + rest.decode()
    assert process.returncode == 0, (out, err.decode())
    assert "reconnecting from position" in out
    assert "Your app is ready" in out
    screens = re.findall(r"\+ screen (.+) \(\d+/\d+\)", out)
    assert screens
    assert len(screens) == len(set(screens))
