"""The public table of edits (tests/unit/edit_cases.py), each through the real pipeline, offline.

Each app is generated once through the gateway; each row forks it at its first version (a fork
is complete at once, version 1) and sends the row's edit to the fork over REST, then follows the
fork's WebSocket until the edit is applied or rejected and checks the spec the gateway serves.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from appgen.events import EventBus
from appgen.spec import AppSpec
from tests.e2e.test_edits import applied, gateway, messages_until
from tests.stages import undeclared
from tests.streams import read_events
from tests.unit.edit_cases import CASES, EditCase
from tests.unit.test_edits_table import check

pytestmark = pytest.mark.e2e

# Rows in flight at once: enough to overlap the waits without starving two cores.
AT_ONCE = 6


async def generate(http: httpx.AsyncClient, key: str, prompt: str) -> dict[str, Any]:
    project: dict[str, Any] = (await http.post("/api/v1/projects", json={"prompt": prompt})).json()
    await messages_until(project["websocket_url"], key, lambda m: m.get("type") == "complete")
    return project


async def run_case(
    http: httpx.AsyncClient, key: str, source: dict[str, Any], case: EditCase
) -> None:
    forked = await http.post(f"/api/v1/projects/{source['project_id']}/fork", json={})
    assert forked.status_code == 202, forked.text
    fork_id = forked.json()["project_id"]
    answer = await http.post(f"/api/v1/projects/{fork_id}/edits", json={"prompt": case.edit})
    assert answer.status_code == 202, (case, answer.text)
    receipt = answer.json()
    url = source["websocket_url"].replace(source["project_id"], fork_id)
    seen = await messages_until(
        url, key, applied(receipt["edit_id"]), since=receipt["position"] - 1
    )
    outcome = seen[-1]
    spec = AppSpec.model_validate(
        (await http.get(f"/api/v1/projects/{fork_id}/spec")).json()["spec"]
    )
    if case.expect.startswith("refused contains "):
        assert outcome["event_type"] == "EditRejected", (case, outcome["data"])
        assert case.expect.removeprefix("refused contains ").strip('"') in outcome["data"]["reason"]
        state = (await http.get(f"/api/v1/projects/{fork_id}")).json()
        assert state["version"] == 1, case
        return
    assert outcome["event_type"] == "EditApplied", (case, outcome["data"])
    assert outcome["data"]["version"] == 2
    for expectation in case.expect.split(" ; "):
        check(spec, expectation)


async def test_every_row_of_the_edit_table_through_the_pipeline(
    bus: EventBus, nats_url: str, database_url: str
) -> None:
    # Every row forks (a start, for the key's limits): room for all of them in one test.
    limits = {"max_generations_per_hour": 1000, "max_concurrent_generations": 20}
    async with gateway(nats_url, database_url, **limits) as (http, key):
        prompts = sorted({case.app for case in CASES})
        apps = dict(
            zip(
                prompts,
                await asyncio.gather(*(generate(http, key, p) for p in prompts)),
                strict=True,
            )
        )
        gate = asyncio.Semaphore(AT_ONCE)
        failures: list[str] = []

        async def bounded(case: EditCase) -> None:
            async with gate:
                try:
                    await run_case(http, key, apps[case.app], case)
                except AssertionError as error:
                    failures.append(f"{case.app}: {case.edit!r} → {error}")

        await asyncio.gather(*(bounded(case) for case in CASES))
        assert not failures, "\n".join(failures)
    # Every stage emitted only what the pipeline declares for each input, every id keyed as
    # declared: the generations, the forks' copies and every edit.
    assert undeclared([event for _, event in await read_events(bus.js)]) == []
