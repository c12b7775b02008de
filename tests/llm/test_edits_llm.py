"""Edits with a model, through the gateway and every real stage (real NATS and PostgreSQL) and
the fake OpenAI-compatible server: the model's revised spec is the new version, a bad answer is
repaired, the budget stops an edit without touching the app, a failing model falls back to the
offline editor, and an edit pays for the screens it changes and no others."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from appgen.events import (
    BudgetExhausted,
    EditApplied,
    EditFellBack,
    EditRejected,
    Event,
    ProjectCompleted,
    ProjectFailed,
    ScreenAdded,
    ScreenUpdated,
    SpecRevised,
    Stage,
)
from appgen.gateway import Settings as GatewaySettings
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.llm import LLMSettings, Purpose
from appgen.store import EventStore
from tests.fakes.openai_server import ChatRequest, FakeOpenAI, Reply, good_answer
from tests.inprocess import running_pipeline
from tests.llm.conftest import FAST_MODEL, STRONG_MODEL, llm_settings
from tests.llm.pipeline import FAST

pytestmark = pytest.mark.e2e

PROMPT = "A task manager for my team: tasks with notes"
TIMEOUT_S = 60


@dataclass
class Api:
    http: httpx.AsyncClient
    store: EventStore
    key: str


@dataclass
class EditOutcome:
    """One edit's events, from its request to its EditApplied or EditRejected."""

    edit_id: str
    events: list[Event]

    def of(self, kind: type[Event]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def last(self) -> Event:
        """The edit's outcome (a picture of a new list may land after it)."""
        outcomes = [e for e in self.events if isinstance(e, EditApplied | EditRejected)]
        return outcomes[-1] if outcomes else self.events[-1]


@asynccontextmanager
async def stack(
    nats_url: str, database_url: str, llm: LLMSettings, key: str | None = None
) -> AsyncIterator[Api]:
    """Every stage with `llm`, the recorder, a gateway with a key (`key`, or a new one), and the
    store to read."""
    key = key or await create_key(database_url)
    settings = GatewaySettings(nats_url=nats_url, database_url=database_url, gateway_port=0)
    store = await EventStore.open(database_url)
    try:
        async with (
            running_pipeline(nats_url, database_url, consumer=FAST, llm=llm),
            serve_gateway(settings) as origin,
            httpx.AsyncClient(base_url=origin, timeout=30, headers=bearer(key)) as http,
        ):
            yield Api(http, store, key)
    finally:
        await store.close()


async def generated(api: Api) -> str:
    """A project made from PROMPT, once it is complete."""
    response = await api.http.post("/api/v1/projects", json={"prompt": PROMPT})
    assert response.status_code == 202, response.text
    project_id: str = response.json()["project_id"]
    async with asyncio.timeout(TIMEOUT_S):
        while True:
            ends = [
                s.event
                for s in await api.store.history(project_id)
                if isinstance(s.event, ProjectCompleted | ProjectFailed)
            ]
            if ends:
                assert isinstance(ends[0], ProjectCompleted), ends[0]
                return project_id
            await asyncio.sleep(0.05)


async def edited(api: Api, project_id: str, prompt: str) -> EditOutcome:
    """POST the edit and wait for the log to say how it ended."""
    response = await api.http.post(f"/api/v1/projects/{project_id}/edits", json={"prompt": prompt})
    assert response.status_code == 202, response.text
    receipt = response.json()
    edit_id: str = receipt["edit_id"]
    async with asyncio.timeout(TIMEOUT_S):
        while True:
            events = [
                s.event
                for s in await api.store.history(project_id)
                if s.position >= receipt["position"]
            ]
            if any(
                isinstance(e, EditApplied | EditRejected) and e.edit_id == edit_id for e in events
            ):
                await asyncio.sleep(0.3)  # anything published late would show up now
                events = [
                    s.event
                    for s in await api.store.history(project_id)
                    if s.position >= receipt["position"]
                ]
                return EditOutcome(edit_id, events)
            await asyncio.sleep(0.05)


async def spec_of(api: Api, project_id: str) -> dict[str, Any]:
    response = await api.http.get(f"/api/v1/projects/{project_id}/spec")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def fields_of(spec: dict[str, Any], entity: str) -> dict[str, str]:
    found = next(e for e in spec["entities"] if e["name"] == entity)
    return {f["name"]: f["type"] for f in found["fields"]}


def model_edit(**changes: Any) -> Any:
    """An answer function: the good answer, with an edit's revised spec changed further."""

    def answer(request: ChatRequest) -> str:
        text = good_answer(request)
        if request.kind != "edit":
            return text
        return json.dumps({**json.loads(text), **changes})

    return answer


async def test_the_models_revised_spec_is_the_new_version(
    nats_url: str, database_url: str, fake_openai: FakeOpenAI
) -> None:
    fake_openai.answer = model_edit(description="Revised by the model.")
    async with stack(nats_url, database_url, llm_settings(fake_openai)) as api:
        pid = await generated(api)
        before = await spec_of(api, pid)
        outcome = await edited(api, pid, "add a photo to tasks")
        after = await spec_of(api, pid)

    assert isinstance(outcome.last, EditApplied), outcome.last
    (request,) = fake_openai.calls("edit")
    assert request.format == "json_schema"
    assert request.body["response_format"]["json_schema"]["name"] == "app_spec"
    assert request.user["request"] == "add a photo to tasks"
    assert "prompt" not in request.user["spec"]
    (revised,) = outcome.of(SpecRevised)
    assert revised.source == "model"
    assert [(c.model, c.purpose) for c in revised.metadata.model_calls] == [
        (FAST_MODEL, Purpose.analysis.value)
    ]
    assert revised.metadata.model_calls[0].cost_usd > 0
    assert not outcome.of(EditFellBack)
    assert after["version"] == 2
    assert after["spec"]["description"] == "Revised by the model."
    assert fields_of(after["spec"], "task")["photo"] == "image"
    # What is not the model's to change came from the current spec.
    assert after["spec"]["slug"] == before["spec"]["slug"]
    assert after["spec"]["prompt"] == PROMPT


async def test_an_invalid_revision_is_repaired(
    nats_url: str, database_url: str, fake_openai: FakeOpenAI
) -> None:
    async with stack(nats_url, database_url, llm_settings(fake_openai)) as api:
        pid = await generated(api)
        current = (await spec_of(api, pid))["spec"]
        # A field that refers to a list the app does not have.
        broken = {k: v for k, v in current.items() if k not in ("prompt", "version")}
        task = next(e for e in broken["entities"] if e["name"] == "task")
        task["fields"].append(
            {"name": "client", "label": "Client", "type": "reference", "reference": "client"}
        )
        fake_openai.script("edit", Reply(content=json.dumps(broken)))
        outcome = await edited(api, pid, "add a photo to tasks")
        after = await spec_of(api, pid)

    assert isinstance(outcome.last, EditApplied), outcome.last
    first, repair = fake_openai.calls("edit")
    assert not first.is_repair
    assert repair.is_repair
    assert "refers to missing entity 'client'" in repair.messages[-1]["content"]
    (revised,) = outcome.of(SpecRevised)
    assert revised.source == "model"
    assert len(revised.metadata.model_calls) == 2, "both rounds are paid for and recorded"
    assert after["version"] == 2
    fields = fields_of(after["spec"], "task")
    assert fields["photo"] == "image"
    assert "client" not in fields


async def test_the_budget_stops_an_edit_and_the_version_stays(
    nats_url: str, database_url: str, fake_openai: FakeOpenAI
) -> None:
    async with stack(nats_url, database_url, LLMSettings.disabled()) as api:
        pid = await generated(api)  # offline: nothing spent yet
        before = await spec_of(api, pid)
    # The edit's first call (about 2k tokens in) alone costs more than this; its answer is not
    # usable, and the repair it needs is never asked for.
    fake_openai.script("edit", Reply(content="{this is not json"))
    llm = llm_settings(fake_openai, budget_usd=0.0005)
    async with stack(nats_url, database_url, llm, key=api.key) as api:
        outcome = await edited(api, pid, "add a photo to tasks")
        after = await spec_of(api, pid)
        state = await api.store.project_state(pid)

    assert len(fake_openai.calls("edit")) == 1
    (stop,) = outcome.of(BudgetExhausted)
    assert stop.stopped_stage is Stage.editing
    assert stop.spent_usd >= stop.budget_usd == 0.0005
    assert len(stop.metadata.model_calls) == 1, "the call made on the way is recorded"
    rejected = outcome.last
    assert isinstance(rejected, EditRejected), outcome.last
    assert outcome.events.index(stop) < outcome.events.index(rejected)
    assert "budget" in rejected.reason
    assert "APPGEN_LLM_BUDGET_USD" in rejected.reason
    assert not outcome.of(SpecRevised)
    assert (after["version"], after["spec"]) == (before["version"], before["spec"])
    assert state is not None
    assert state.status == "complete", "a stopped edit does not fail the app"


async def test_a_failing_model_falls_back_to_the_offline_editor(
    nats_url: str, database_url: str, fake_openai: FakeOpenAI
) -> None:
    llm = llm_settings(fake_openai, max_retries=1)
    async with stack(nats_url, database_url, llm) as api:
        pid = await generated(api)
        fake_openai.script(
            "edit", Reply(status=503, error="overloaded"), Reply(status=503, error="overloaded")
        )
        outcome = await edited(api, pid, "add a photo to tasks")
        after = await spec_of(api, pid)

    assert isinstance(outcome.last, EditApplied), outcome.last
    assert len(fake_openai.calls("edit")) == 2
    (fell_back,) = outcome.of(EditFellBack)
    assert fell_back.part == "spec"
    assert "overloaded" in fell_back.reason
    assert fell_back.metadata.model_calls == (), "a refused request costs nothing"
    (revised,) = outcome.of(SpecRevised)
    assert revised.source == "rules"
    assert not revised.metadata.model_calls
    assert after["version"] == 2
    assert fields_of(after["spec"], "task")["photo"] == "image"


async def test_an_edit_pays_only_for_the_screens_it_changes(
    nats_url: str, database_url: str, fake_openai: FakeOpenAI
) -> None:
    async with stack(nats_url, database_url, llm_settings(fake_openai)) as api:
        pid = await generated(api)
        written = len(fake_openai.calls("screen"))
        assert written > 0

        # A new field shows on no screen's own definition: no screen is written again.
        field = await edited(api, pid, "add a photo to tasks")
        assert isinstance(field.last, EditApplied), field.last
        assert len(fake_openai.calls("screen")) == written
        assert not field.of(ScreenAdded) + field.of(ScreenUpdated)

        # Search changes the three list screens: those three, and only those, are written.
        search = await edited(api, pid, "add search")
        assert isinstance(search.last, EditApplied), search.last
        asked = [r.user["screen"]["route"] for r in fake_openai.calls("screen")[written:]]
        assert sorted(asked) == ["projects", "tasks", "teams"]
        updated = search.of(ScreenUpdated)
        assert sorted(e.route for e in updated) == ["projects", "tasks", "teams"]
        assert all([c.model for c in e.metadata.model_calls] == [STRONG_MODEL] for e in updated)
        assert not search.of(ScreenAdded)
        written += len(asked)

        # A new list: its own three screens are written, nothing else.
        entity = await edited(api, pid, "add a list of clients")
        assert isinstance(entity.last, EditApplied), entity.last
        asked = [r.user["screen"]["route"] for r in fake_openai.calls("screen")[written:]]
        assert sorted(asked) == ["client", "client-form", "clients"]
        added = entity.of(ScreenAdded)
        assert sorted(e.route for e in added) == ["client", "client-form", "clients"]
        assert all([c.model for c in e.metadata.model_calls] == [STRONG_MODEL] for e in added)
        assert not entity.of(ScreenUpdated)
        assert len(fake_openai.calls("edit")) == 3


async def test_a_budget_stop_among_an_edits_screens_leaves_the_app_as_it_was(
    nats_url: str, database_url: str, fake_openai: FakeOpenAI
) -> None:
    async with stack(nats_url, database_url, LLMSettings.disabled()) as api:
        pid = await generated(api)
        files_before = await api.store.file_tree(pid)
    # Fixed usage: the edit's call costs $0.005 (fast model), each screen $0.015 (strong model);
    # under $0.006 the edit's call and the first of the three new screens start, the second not.
    fake_openai.script("edit", Reply(usage=(1000, 1000, 0)))
    fake_openai.script("screen", *(Reply(usage=(1000, 1000, 0)) for _ in range(3)))
    llm = llm_settings(fake_openai, budget_usd=0.006, screen_concurrency=1)
    async with stack(nats_url, database_url, llm, key=api.key) as api:
        outcome = await edited(api, pid, "add a list of clients")
        after = await spec_of(api, pid)
        files_after = await api.store.file_tree(pid)
        state = await api.store.project_state(pid)

    assert len(fake_openai.calls("screen")) == 1
    (stop,) = outcome.of(BudgetExhausted)
    assert stop.stopped_stage is Stage.editing
    # The screen written before the stop is paid for: its call is recorded with the stop.
    assert [c.model for c in stop.metadata.model_calls] == [STRONG_MODEL]
    (revised,) = outcome.of(SpecRevised)
    assert [c.model for c in revised.metadata.model_calls] == [FAST_MODEL]
    assert state is not None
    assert state.usage.calls == 2
    assert math.isclose(state.usage.cost_usd, 0.02, abs_tol=1e-9)
    assert isinstance(outcome.last, EditRejected), outcome.last
    assert not outcome.of(ScreenAdded)
    assert after["version"] == 1
    assert "client" not in {e["name"] for e in after["spec"]["entities"]}

    # The rejected edit's screens, components and app-wide files are not part of the app. (The
    # images stage draws an added list's picture from SpecRevised on its own; that picture
    # still stays after a rejection, an open issue, so it is left out of this comparison.)
    def written(tree: dict[str, Any]) -> list[str]:
        return sorted(path for path in tree if not path.startswith("assets/illustrations/"))

    assert written(files_after) == written(files_before)
