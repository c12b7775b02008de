"""Replay, resume and fork through a real gateway, the real services and the `appgen` command.

- replay: at every position a generated project's state and files are what the live system
  showed then (the WebSocket's events, and live state snapshots taken while it ran);
- resume: a screens worker that dies mid-project fails it at the delivery cap; with the real
  worker back, `appgen resume` completes it with no duplicate event and no stage done twice;
- fork: `appgen fork --at` starts a project whose files up to that point are the original's.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from appgen.events import (
    ConsumerSettings,
    Event,
    EventBus,
    HandlerContext,
    PreviewReady,
    ServiceSettings,
    Stage,
    Worker,
    open_bus,
)
from appgen.events.catalog.pipeline import SCREENS
from appgen.events.catalog.subjects import project_filter
from appgen.gateway import Settings
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.screens.handlers import screens_worker
from tests.e2e.cli_support import appgen
from tests.inprocess import running_pipeline
from tests.running import serving_worker
from tests.streams import read_events

pytestmark = pytest.mark.e2e
PROMPT = "A plant watering tracker with reminders"
ONE_OF_EACH = (
    "ProjectRequested",
    "AnalysisCompleted",
    "PreviewReady",
    "ScreensCompleted",
    "ImagesCompleted",
    "ProjectCompleted",
)


@dataclass
class Gateway:
    origin: str
    key: str
    http: httpx.AsyncClient

    def ws(self, project_id: str) -> str:
        return f"ws{self.origin.removeprefix('http')}/api/v1/ws/generate/{project_id}"


@asynccontextmanager
async def gateway(nats_url: str, database_url: str) -> AsyncIterator[Gateway]:
    key = await create_key(database_url)
    settings = Settings(nats_url=nats_url, database_url=database_url, gateway_port=0)
    async with (
        serve_gateway(settings) as origin,
        httpx.AsyncClient(base_url=origin, timeout=30, headers=bearer(key)) as http,
    ):
        yield Gateway(origin, key, http)


async def follow(gw: Gateway, project_id: str, until: set[str]) -> list[dict[str, Any]]:
    """Event messages from the socket until one of type in `until` (`complete`, `error`)."""
    messages: list[dict[str, Any]] = []
    async with (
        websockets.connect(gw.ws(project_id), additional_headers=bearer(gw.key)) as socket,
        asyncio.timeout(60),
    ):
        while not messages or messages[-1]["type"] not in until:
            message = json.loads(await socket.recv())
            if "event_id" in message:
                messages.append(message)
    return messages


async def state(gw: Gateway, project_id: str, at: int | None = None) -> dict[str, Any]:
    response = await gw.http.get(
        f"/api/v1/projects/{project_id}", params={} if at is None else {"at": at}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def files_at(gw: Gateway, project_id: str, at: int | None = None) -> dict[str, str]:
    response = await gw.http.get(
        f"/api/v1/projects/{project_id}/files", params={} if at is None else {"at": at}
    )
    assert response.status_code == 200, response.text
    return {f["path"]: f["sha256"] for f in response.json()["files"]}


async def until_status(gw: Gateway, project_id: str, status: str) -> dict[str, Any]:
    """Poll the project's state (the gateway has no push for status alone) until it has `status`."""
    async with asyncio.timeout(60):
        while True:
            current = await state(gw, project_id)
            if current["status"] == status:
                return current
            await asyncio.sleep(0.05)


async def stream_of(nats_url: str, project_id: str) -> list[tuple[int, Event]]:
    async with open_bus(ServiceSettings(nats_url=nats_url), name="test-reader") as bus:
        return await read_events(bus.js, project_filter(project_id))


def assert_once_each(events: list[tuple[int, Event]]) -> None:
    """No event id twice, no stage's closing fact twice, no screen twice."""
    ids = [e.event_id for _, e in events]
    assert len(ids) == len(set(ids)), "an event id appears twice"
    types = Counter(e.type for _, e in events)
    for name in ONE_OF_EACH:
        assert types[name] == 1, f"{name} x{types[name]}"
    screens = Counter(getattr(e, "route", None) for _, e in events if e.type == "ScreenAdded")
    assert screens
    assert set(screens.values()) == {1}, screens


def same_state(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keep = {k: v for k, v in a.items() if k not in ("links", "preview_url")}
    return keep == {k: v for k, v in b.items() if k not in ("links", "preview_url")}


async def test_replay_at_every_position_is_what_the_live_system_showed(
    nats_url: str, database_url: str, tmp_path: Path
) -> None:
    async with running_pipeline(nats_url, database_url), gateway(nats_url, database_url) as gw:
        created = (await gw.http.post("/api/v1/projects", json={"prompt": PROMPT})).json()
        pid = created["project_id"]
        snapshots: list[dict[str, Any]] = []

        async def watch() -> None:
            while True:
                snapshots.append(await state(gw, pid))
                if snapshots[-1]["status"] != "running":
                    return

        watcher = asyncio.create_task(watch())
        messages = await follow(gw, pid, {"complete", "error"})
        await asyncio.wait_for(watcher, 60)
        assert messages[-1]["type"] == "complete"

        # Live snapshots, each replayed at the position it was as of.
        for live in snapshots:
            assert same_state(await state(gw, pid, at=live["last_position"]), live)

        # Every position the socket delivered: the fold of exactly the events up to it.
        written: set[str] = set()
        routes: list[str] = []
        furthest = 0
        for count, message in enumerate(messages, start=1):
            at = message["position"]
            written.update(message["data"].get("files", []))
            if message["event_type"] == "ScreenAdded":
                routes.append(message["data"]["route"])
            if message["stage"] not in ("generating_images", "complete"):
                furthest = max(furthest, list(Stage).index(Stage(message["stage"])))
            then = await state(gw, pid, at=at)
            assert (then["last_position"], then["event_count"]) == (at, count)
            assert sorted(s["route"] for s in then["screens"]) == sorted(routes)
            assert set(await files_at(gw, pid, at)) == written
            expected = "complete" if message["type"] == "complete" else "running"
            assert then["status"] == expected
            if expected == "running" and furthest:
                assert then["stage"] == list(Stage)[furthest].value

        # The same through the command line.
        listed = (await appgen(gw.origin, gw.key, "events", pid, "--json")).json()
        assert [(m["position"], m["event_id"]) for m in listed] == [
            (m["position"], m["event_id"]) for m in messages
        ]
        assert all(m["metadata"]["service"] for m in listed)
        table = await appgen(gw.origin, gw.key, "events", pid)
        assert table.code == 0
        assert "PreviewReady" in table.out
        assert "scaffolder" in table.out
        preview_at = next(m["position"] for m in messages if m["event_type"] == "PreviewReady")
        replayed = (
            await appgen(gw.origin, gw.key, "replay", pid, "--at", str(preview_at), "--json")
        ).json()
        assert same_state(replayed["state"], await state(gw, pid, at=preview_at))
        out = tmp_path / "app"
        wrote = await appgen(
            gw.origin, gw.key, "replay", pid, "--at", str(preview_at), "--out", str(out)
        )
        assert wrote.code == 0, wrote.err
        on_disk = {
            str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in out.rglob("*")
            if p.is_file()
        }
        assert on_disk == await files_at(gw, pid, preview_at)
        last = messages[-1]["position"]
        changes = (
            await appgen(gw.origin, gw.key, "diff", pid, str(preview_at), str(last), "--json")
        ).json()
        before, after = await files_at(gw, pid, preview_at), await files_at(gw, pid, last)
        assert changes["added"] == sorted(after.keys() - before.keys())
        assert changes["changed"] == sorted(
            p for p in before.keys() & after.keys() if before[p] != after[p]
        )
        assert changes["added"]
        assert changes["removed"] == []
        missing = await appgen(gw.origin, gw.key, "replay", "no-such-project")
        assert missing.code == 1
        assert "No project no-such-project" in missing.err


def dying_screens(after: int) -> Any:
    """A screens worker that publishes `after` outputs and then fails every time."""

    async def build(bus: EventBus) -> Worker:
        real = screens_worker(bus)
        # The real stage, its edits left out: this one only writes a generation's screens.
        worker = Worker(dataclasses.replace(SCREENS, steps=SCREENS.steps[:1]))

        @worker.on(PreviewReady)
        async def add(event: PreviewReady, ctx: HandlerContext) -> AsyncIterator[Event]:
            handler = real.handler_for(event)
            assert handler is not None
            published = 0
            async for output in handler(event, ctx):
                yield output
                published += 1
                if published == after:
                    raise RuntimeError("the screen writer is down")

        return worker

    return build


async def test_resume_after_a_dead_stage_completes_without_duplicates(
    nats_url: str, database_url: str
) -> None:
    capped = ConsumerSettings(max_deliver=2, backoff_s=(0.05,))
    async with gateway(nats_url, database_url) as gw:
        async with (
            running_pipeline(nats_url, database_url, scale={"screens": 0}),
            serving_worker(
                dying_screens(after=2), ServiceSettings(nats_url=nats_url, consumer=capped)
            ),
        ):
            created = (await gw.http.post("/api/v1/projects", json={"prompt": PROMPT})).json()
            pid = created["project_id"]
            failed = await until_status(gw, pid, "failed")
        assert failed["failed_stage"] == "adding_screens"
        assert "the screen writer is down" in failed["failure_reason"]
        assert len(failed["screens"]) == 2

        async with running_pipeline(nats_url, database_url):
            ran = await appgen(gw.origin, gw.key, "resume", pid, "--json")
            resumed = ran.json()
            assert resumed["redo"] == ["adding_screens"]
            done = await until_status(gw, pid, "complete")
            again = await appgen(gw.origin, gw.key, "resume", pid)
        assert again.code == 1
        assert "complete" in again.err
        assert done["resumes"] == 1
        assert done["failure_reason"] is None
        events = await stream_of(nats_url, pid)
        assert_once_each(events)
        # The two screens written before the crash were not published again.
        failed_at = next(p for p, e in events if e.type == "ProjectFailed")
        early = {e.event_id for p, e in events if e.type == "ScreenAdded" and p < failed_at}
        assert len(early) == 2
        stored = (
            await gw.http.get(f"/api/v1/projects/{pid}/events", params={"limit": 1000})
        ).json()
        assert [m["position"] for m in stored["items"]] == [p for p, _ in events]


async def test_fork_reproduces_the_files_up_to_its_position_and_continues(
    nats_url: str, database_url: str
) -> None:
    async with running_pipeline(nats_url, database_url), gateway(nats_url, database_url) as gw:
        created = (await gw.http.post("/api/v1/projects", json={"prompt": PROMPT})).json()
        pid = created["project_id"]
        messages = await follow(gw, pid, {"complete", "error"})
        second_screen = [m for m in messages if m["event_type"] == "ScreenAdded"][1]["position"]
        ran = await appgen(gw.origin, gw.key, "fork", pid, "--at", str(second_screen), "--json")
        forked = ran.json()
        fid = forked["project_id"]
        assert forked["source_position"] == second_screen
        fork_done = await until_status(gw, fid, "complete")
        assert fork_done["forked_from"]["project_id"] == pid
        assert fork_done["forked_from"]["position"] == second_screen

        events = await stream_of(nats_url, fid)
        assert_once_each(events)
        copies = [(p, e) for p, e in events if e.metadata.copied_from is not None]
        assert len(copies) == forked["copied"]
        assert await files_at(gw, fid, copies[-1][0]) == await files_at(gw, pid, second_screen)
        # Deterministic stages: the finished fork has the original's files.
        assert await files_at(gw, fid) == await files_at(gw, pid)
        # The work already done was not done again: every copied screen appears once.
        assert not any(
            e.type == "ScreenAdded" and e.metadata.copied_from is None and p < copies[-1][0]
            for p, e in events
        )

        retry = await appgen(
            gw.origin, gw.key, "fork", pid, "--at", str(second_screen), "--id", fid, "--json"
        )
        assert retry.json()["created"] is False
        assert len(await stream_of(nats_url, fid)) == len(events)
        bad = await appgen(gw.origin, gw.key, "fork", pid, "--prompt", "x")
        assert bad.code == 1
        assert "prompt: String should have at least 3 characters" in bad.err
