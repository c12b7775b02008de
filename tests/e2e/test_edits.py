"""Changing an app by talking to it, through the gateway and every real service (offline).

Versions, undo and restore across three versions, time travel by position, two edits at once,
an edit that waits for its generation, the WebSocket's `edit` action and bad input.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets

from appgen.gateway import Settings
from appgen.gateway.testing import bearer, create_key, serve_gateway
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.e2e

PROMPT = "A task manager for my team: tasks with notes"
TIMEOUT_S = 60


@asynccontextmanager
async def gateway(
    nats_url: str, database_url: str, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    settings = Settings(nats_url=nats_url, database_url=database_url, gateway_port=0, **overrides)
    key = await create_key(database_url)
    async with (
        running_pipeline(nats_url, database_url),
        serve_gateway(settings) as origin,
        httpx.AsyncClient(base_url=origin, timeout=30, headers=bearer(key)) as http,
    ):
        yield http, key


async def messages_until(
    url: str, key: str, done: Any, *, since: int = 0, send: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The socket's messages (events and replies) until `done(message)` is true."""
    seen: list[dict[str, Any]] = []
    async with (
        websockets.connect(f"{url}?since={since}", additional_headers=bearer(key)) as socket,
        asyncio.timeout(TIMEOUT_S),
    ):
        if send is not None:
            await socket.send(json.dumps(send))
        while True:
            message = json.loads(await socket.recv())
            seen.append(message)
            if done(message):
                return seen


def applied(edit_id: str) -> Any:
    def check(message: dict[str, Any]) -> bool:
        data = message.get("data") or {}
        return message.get("event_type") in ("EditApplied", "EditRejected") and (
            data.get("edit_id") == edit_id
        )

    return check


async def generate(http: httpx.AsyncClient, key: str) -> dict[str, Any]:
    project: dict[str, Any] = (await http.post("/api/v1/projects", json={"prompt": PROMPT})).json()
    await messages_until(project["websocket_url"], key, lambda m: m.get("type") == "complete")
    return project


async def edit(
    http: httpx.AsyncClient, key: str, project: dict[str, Any], path: str, body: dict[str, Any]
) -> dict[str, Any]:
    """POST an edit or revert and follow the socket until it lands; returns its last event."""
    answer = await http.post(f"/api/v1/projects/{project['project_id']}/{path}", json=body)
    assert answer.status_code == 202, answer.text
    receipt = answer.json()
    seen = await messages_until(
        project["websocket_url"], key, applied(receipt["edit_id"]), since=receipt["position"] - 1
    )
    return {"receipt": receipt, "outcome": seen[-1], "messages": seen}


async def spec_of(http: httpx.AsyncClient, project_id: str, at: int | None = None) -> Any:
    query = "" if at is None else f"?at={at}"
    answer = await http.get(f"/api/v1/projects/{project_id}/spec{query}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def task_fields(spec: dict[str, Any]) -> dict[str, str]:
    entity = next(e for e in spec["entities"] if e["name"] == "task")
    return {f["name"]: f["type"] for f in entity["fields"]}


async def test_versions_undo_restore_and_time_travel(nats_url: str, database_url: str) -> None:
    async with gateway(nats_url, database_url) as (http, key):
        project = await generate(http, key)
        pid = project["project_id"]
        first = await spec_of(http, pid)
        assert first["version"] == 1
        assert "photo" not in task_fields(first["spec"])

        added = await edit(http, key, project, "edits", {"prompt": "add a photo to tasks"})
        assert added["receipt"]["version"] == 2
        outcome = added["outcome"]
        assert outcome["event_type"] == "EditApplied", outcome
        assert outcome["stage"] == "edit_applied"
        assert outcome["data"]["version"] == 2
        assert any("Photo" in change for change in outcome["data"]["changes"])
        # Only what changed is sent: no screen of the app is written again for a new field.
        types = [m.get("event_type") for m in added["messages"]]
        assert "SpecRevised" in types
        assert "ProjectCompleted" not in types
        second = await spec_of(http, pid)
        assert second["version"] == 2
        assert task_fields(second["spec"])["photo"] == "image"

        dark = await edit(http, key, project, "edits", {"prompt": "make it dark"})
        assert dark["outcome"]["data"]["version"] == 3
        third = await spec_of(http, pid)
        assert third["spec"]["theme"]["appearance"] == "dark"

        # Undo to version 1: a new version 4 equal to version 1; history is kept.
        undo = await edit(http, key, project, "revert", {"version": 1})
        assert undo["outcome"]["data"]["version"] == 4
        fourth = await spec_of(http, pid)
        assert fourth["spec"] == first["spec"]
        # And the undo itself can be undone.
        redo = await edit(http, key, project, "revert", {"version": 3})
        assert redo["outcome"]["data"]["version"] == 5
        assert (await spec_of(http, pid))["spec"] == third["spec"]

        state = (await http.get(f"/api/v1/projects/{pid}")).json()
        assert state["version"] == 5
        versions = state["versions"]
        assert [v["number"] for v in versions] == [1, 2, 3, 4, 5]
        assert versions[0]["prompt"] == PROMPT
        assert versions[1]["prompt"] == "add a photo to tasks"
        assert versions[3]["restored_from"] == 1
        assert all(v["position"] for v in versions)
        # Time travel: the spec at each version's position is that version's spec.
        for version, expected in zip(versions, [first, second, third, first, third], strict=True):
            replayed = await spec_of(http, pid, at=version["position"])
            assert replayed["version"] == version["number"]
            assert replayed["spec"] == expected["spec"]
        # The files at each version are that version's: its spec module has the field or not.
        for version, has_photo in [(versions[1], True), (versions[3], False)]:
            listing = await http.get(f"/api/v1/projects/{pid}/files?at={version['position']}")
            entry = next(e for e in listing.json()["files"] if e["path"] == "app/spec.js")
            module = (await http.get(entry["url"])).text
            assert ('"photo"' in module) is has_photo


async def test_two_edits_at_once_both_apply_in_order(nats_url: str, database_url: str) -> None:
    async with gateway(nats_url, database_url) as (http, key):
        project = await generate(http, key)
        pid = project["project_id"]
        answers = await asyncio.gather(
            http.post(f"/api/v1/projects/{pid}/edits", json={"prompt": "add a photo to tasks"}),
            http.post(f"/api/v1/projects/{pid}/edits", json={"prompt": "add a price to tasks"}),
        )
        receipts = [a.json() for a in answers]
        assert [a.status_code for a in answers] == [202, 202], receipts
        assert sorted(r["version"] for r in receipts) == [2, 3]
        last = max(receipts, key=lambda r: r["version"])
        await messages_until(project["websocket_url"], key, applied(last["edit_id"]))
        state = (await http.get(f"/api/v1/projects/{pid}")).json()
        assert state["version"] == 3
        assert [e["status"] for e in state["edits"]] == ["applied", "applied"]
        fields = task_fields((await spec_of(http, pid))["spec"])
        assert fields["photo"] == "image"
        assert fields["price"] == "money"

        # A client that names the version it saw is refused once the app moved on.
        stale = await http.post(
            f"/api/v1/projects/{pid}/edits",
            json={"prompt": "make it dark", "expected_version": 2},
        )
        assert stale.status_code == 409
        assert "version 3" in stale.json()["detail"]


async def test_an_edit_sent_during_generation_waits_its_turn(
    nats_url: str, database_url: str
) -> None:
    async with gateway(nats_url, database_url) as (http, key):
        project = (await http.post("/api/v1/projects", json={"prompt": PROMPT})).json()
        pid = project["project_id"]
        answer = await http.post(f"/api/v1/projects/{pid}/edits", json={"prompt": "make it dark"})
        assert answer.status_code == 202, answer.text
        receipt = answer.json()
        seen = await messages_until(project["websocket_url"], key, applied(receipt["edit_id"]))
        types = [m.get("event_type") for m in seen]
        assert types[-1] == "EditApplied"
        assert types.index("ProjectCompleted") < types.index("EditStarted")


async def test_the_socket_edits_and_bad_input_is_refused(nats_url: str, database_url: str) -> None:
    async with gateway(nats_url, database_url) as (http, key):
        project = await generate(http, key)
        pid = project["project_id"]
        state = (await http.get(f"/api/v1/projects/{pid}")).json()
        since = state["last_position"]
        replies: list[dict[str, Any]] = []

        def landed(message: dict[str, Any]) -> bool:
            replies.append(message)
            return message.get("event_type") in ("EditApplied", "EditRejected")

        seen = await messages_until(
            project["websocket_url"],
            key,
            landed,
            since=since,
            send={"action": "edit", "prompt": "rename the app to Crew Board"},
        )
        accepted = next(m for m in seen if m.get("type") == "edit_accepted")
        assert accepted["version"] == 2
        assert seen[-1]["event_type"] == "EditApplied"
        assert (await spec_of(http, pid))["spec"]["name"] == "Crew Board"

        # Words the editor cannot use: rejected with a reason, the version stays.
        refused = await edit(http, key, project, "edits", {"prompt": "qwerty zxcv"})
        assert refused["outcome"]["event_type"] == "EditRejected"
        assert refused["outcome"]["stage"] == "edit_rejected"
        assert "for example" in refused["outcome"]["data"]["reason"]
        assert (await http.get(f"/api/v1/projects/{pid}")).json()["version"] == 2
        # Hostile text is data: it may be refused, but never lands as markup.
        hostile = await edit(
            http, key, project, "edits", {"prompt": 'add a field "<script>alert(1)</script>"'}
        )
        spec = json.dumps((await spec_of(http, pid))["spec"])
        assert "<script>" not in spec or hostile["outcome"]["event_type"] == "EditRejected"

        for body, status in [
            ({"prompt": ""}, 422),
            ({"prompt": " "}, 422),
            ({"prompt": "x" * 2001}, 422),
            ({"prompt": "make it dark", "extra": 1}, 422),
            ({}, 422),
        ]:
            answer = await http.post(f"/api/v1/projects/{pid}/edits", json=body)
            assert answer.status_code == status, (body, answer.text)
            assert answer.headers["content-type"].startswith("application/problem+json")
        assert (
            await http.post(f"/api/v1/projects/{pid}/revert", json={"version": 9})
        ).status_code == 422
        assert (
            await http.post(f"/api/v1/projects/{pid}/revert", json={"version": 0})
        ).status_code == 422
        unknown = await http.post("/api/v1/projects/nosuchproject/edits", json={"prompt": "x y"})
        assert unknown.status_code == 404
        # Nothing of the above changed the app.
        assert (await http.get(f"/api/v1/projects/{pid}")).json()["version"] == 2


async def test_a_fork_at_a_version_is_that_version_and_edits_on(
    nats_url: str, database_url: str
) -> None:
    async with gateway(nats_url, database_url) as (http, key):
        project = await generate(http, key)
        pid = project["project_id"]
        await edit(http, key, project, "edits", {"prompt": "add a photo to tasks"})
        await edit(http, key, project, "edits", {"prompt": "make it dark"})
        versions = (await http.get(f"/api/v1/projects/{pid}")).json()["versions"]
        at = versions[1]["position"]
        second = await spec_of(http, pid, at=at)

        forked = await http.post(f"/api/v1/projects/{pid}/fork?at={at}", json={})
        assert forked.status_code == 202, forked.text
        fork_id = forked.json()["project_id"]
        state = (await http.get(f"/api/v1/projects/{fork_id}")).json()
        assert state["status"] == "complete"
        assert state["version"] == 2
        assert (await spec_of(http, fork_id))["spec"] == second["spec"]

        fork = {
            **project,
            "project_id": fork_id,
            "websocket_url": project["websocket_url"].replace(pid, fork_id),
        }
        more = await edit(http, key, fork, "edits", {"prompt": "use a green accent"})
        assert more["outcome"]["event_type"] == "EditApplied"
        assert more["outcome"]["data"]["version"] == 3
        # The source is untouched by its fork's edits.
        assert (await http.get(f"/api/v1/projects/{pid}")).json()["version"] == 3
        assert (await spec_of(http, pid))["spec"]["theme"]["appearance"] == "dark"


async def test_an_edit_survives_its_stage_being_down_and_the_gateway_restarting(
    nats_url: str, database_url: str
) -> None:
    settings = Settings(nats_url=nats_url, database_url=database_url, gateway_port=0)
    key = await create_key(database_url)
    async with (
        serve_gateway(settings) as origin,
        httpx.AsyncClient(base_url=origin, timeout=30, headers=bearer(key)) as http,
    ):
        async with running_pipeline(nats_url, database_url):
            project = await generate(http, key)
        pid = project["project_id"]
        # The screens service is down: the spec is revised, and the edit waits for it.
        async with running_pipeline(nats_url, database_url, scale={"screens": 0}):
            answer = await http.post(
                f"/api/v1/projects/{pid}/edits", json={"prompt": "add a photo to tasks"}
            )
            receipt = answer.json()
            seen = await messages_until(
                project["websocket_url"],
                key,
                lambda m: m.get("event_type") == "SpecRevised",
                since=receipt["position"] - 1,
            )
            assert "EditApplied" not in [m.get("event_type") for m in seen]
            state = (await http.get(f"/api/v1/projects/{pid}")).json()
            assert state["version"] == 1
            assert state["edits"][0]["status"] == "running"
    # A new gateway, and the screens service back: the edit lands once, as version 2.
    async with (
        serve_gateway(settings) as origin,
        httpx.AsyncClient(base_url=origin, timeout=30, headers=bearer(key)) as http,
        running_pipeline(nats_url, database_url),
    ):
        project = (await http.get(f"/api/v1/projects/{pid}")).json()
        url = project["links"]["websocket_url"]
        seen = await messages_until(url, key, applied(receipt["edit_id"]))
        outcomes = [m for m in seen if m.get("event_type") in ("EditApplied", "EditRejected")]
        assert [m["event_type"] for m in outcomes] == ["EditApplied"]
        ids = [m["event_id"] for m in seen if "event_id" in m]
        assert len(ids) == len(set(ids))
        assert (await http.get(f"/api/v1/projects/{pid}")).json()["version"] == 2


async def test_a_list_added_by_an_edit_gets_its_screens_and_its_picture(
    nats_url: str, database_url: str
) -> None:
    async with gateway(nats_url, database_url) as (http, key):
        project = await generate(http, key)
        pid = project["project_id"]
        answer = await http.post(
            f"/api/v1/projects/{pid}/edits", json={"prompt": "add a clients list"}
        )
        receipt = answer.json()
        landed = applied(receipt["edit_id"])
        seen: list[dict[str, Any]] = []

        def applied_and_drawn(message: dict[str, Any]) -> bool:
            seen.append(message)
            types = [m.get("event_type") for m in seen]
            return any(landed(m) for m in seen) and "ImageGenerated" in types

        await messages_until(
            project["websocket_url"], key, applied_and_drawn, since=receipt["position"] - 1
        )
        types = [m.get("event_type") for m in seen]
        assert types.count("ScreenAdded") == 3
        # Only the new list is drawn; nothing of the first generation is drawn again.
        drawn = [m["data"]["name"] for m in seen if m.get("event_type") == "ImageGenerated"]
        assert drawn == ["client"]
        files = (await http.get(f"/api/v1/projects/{pid}/files")).json()["files"]
        assert "assets/illustrations/client.svg" in {f["path"] for f in files}
