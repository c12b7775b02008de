"""A fork's model does the fork's work, end to end (real gateway, real NATS and PostgreSQL, the
`appgen` command and the fake OpenAI-compatible server): forked with `appgen fork --model`, the
fork's analysis and screens call that model and are priced at it, its source's calls stay with the
configured models, a fork of the fork keeps the model, and with no model configured at all the
fork's model is ignored (the deterministic generator runs)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import nats
import pytest

from appgen.events import (
    AnalysisCompleted,
    ModelCall,
    PreviewReady,
    ProjectCompleted,
    ProjectFailed,
)
from appgen.gateway import Settings as GatewaySettings
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.llm import LLMSettings, Price, Purpose
from appgen.llm.wiring import open_client
from appgen.store import EventStore
from appgen.store.models import StoredEvent
from tests.e2e.cli_support import appgen
from tests.fakes.openai_server import FakeOpenAI
from tests.inprocess import running_pipeline
from tests.llm.conftest import FAST_MODEL, PRICES, STRONG_MODEL, llm_settings
from tests.llm.pipeline import FAST

pytestmark = pytest.mark.e2e

PROMPT = "a plant watering tracker with reminders and photos"
OTHER_MODEL = "other-model"
# Dearer than either configured model, so a call priced at the wrong model shows.
PRICED = {**PRICES, OTHER_MODEL: Price(input=7.0, cached_input=3.5, output=28.0)}
CONFIGURED = {Purpose.analysis.value: FAST_MODEL, Purpose.screen.value: STRONG_MODEL}


@dataclass
class Api:
    origin: str
    key: str
    http: httpx.AsyncClient
    store: EventStore


@asynccontextmanager
async def stack(nats_url: str, database_url: str, llm: LLMSettings) -> AsyncIterator[Api]:
    """Every stage with `llm`, the recorder, a gateway with a key, and the store to read."""
    key = await create_key(database_url)
    # The gateway gets the stages' model settings, as under `appgen up`, to judge a fork's model.
    settings = GatewaySettings(
        nats_url=nats_url, database_url=database_url, gateway_port=0, llm=llm
    )
    store = await EventStore.open(database_url)
    try:
        async with (
            running_pipeline(nats_url, database_url, consumer=FAST, llm=llm),
            serve_gateway(settings) as origin,
            httpx.AsyncClient(base_url=origin, timeout=30, headers=bearer(key)) as http,
        ):
            yield Api(origin, key, http, store)
    finally:
        await store.close()


async def generated(api: Api) -> str:
    response = await api.http.post("/api/v1/projects", json={"prompt": PROMPT})
    assert response.status_code == 202, response.text
    project_id: str = response.json()["project_id"]
    return project_id


async def forked(api: Api, project_id: str, at: int, *options: str) -> str:
    """`appgen fork` as a user runs it; the fork's id."""
    ran = await appgen(api.origin, api.key, "fork", project_id, "--at", str(at), *options, "--json")
    fork_id: str = ran.json()["project_id"]
    return fork_id


async def completed(api: Api, project_id: str) -> list[StoredEvent]:
    """The project's recorded events once it has completed."""
    async with asyncio.timeout(60):
        while True:
            history = await api.store.history(project_id)
            ends = [
                s.event for s in history if isinstance(s.event, ProjectCompleted | ProjectFailed)
            ]
            if ends:
                assert isinstance(ends[0], ProjectCompleted), ends[0]
                return history
            await asyncio.sleep(0.05)


def own_calls(history: list[StoredEvent]) -> list[ModelCall]:
    """The calls the project made itself (a fork's copies carry none: the source paid)."""
    return [
        call
        for stored in history
        if stored.event.metadata.copied_from is None
        for call in stored.event.metadata.model_calls
    ]


def priced_at_its_model(call: ModelCall) -> bool:
    expected = PRICED[call.model].cost(
        input_tokens=call.input_tokens,
        cached_input_tokens=call.cached_input_tokens,
        output_tokens=call.output_tokens,
    )
    return call.cost_usd > 0 and math.isclose(call.cost_usd, expected, abs_tol=1e-9)


def position_of(history: list[StoredEvent], kind: type[object]) -> int:
    return next(s.position for s in history if isinstance(s.event, kind))


async def test_a_forks_model_writes_its_spec_and_screens_and_is_what_it_pays_for(
    nats_url: str, database_url: str, fake_openai: FakeOpenAI
) -> None:
    async with stack(nats_url, database_url, llm_settings(fake_openai, prices=PRICED)) as api:
        source_id = await generated(api)
        source = await completed(api, source_id)
        by_source = list(fake_openai.requests)
        # A model the deployment neither configures nor prices is refused before anything runs.
        refused = await api.http.post(
            f"/api/v1/projects/{source_id}/fork", json={"model": "made-up-model"}
        )
        assert refused.status_code == 422, refused.text
        assert "made-up-model" in refused.json()["detail"]
        assert "APPGEN_LLM_PRICES" in refused.json()["detail"]

        # At the request's own position: the fork analyses again, then writes every screen.
        fork_id = await forked(api, source_id, source[0].position, "--model", OTHER_MODEL)
        fork = await completed(api, fork_id)
        by_fork = fake_openai.requests[len(by_source) :]

        # A fork of the fork after its analysis, naming no model: only the screens are left to
        # write, and they are written by the model its source was forked with.
        second_id = await forked(api, fork_id, position_of(fork, PreviewReady))
        second = await completed(api, second_id)
        by_second = fake_openai.requests[len(by_source) + len(by_fork) :]

        fork_state = await api.store.project_state(fork_id)
        second_state = await api.store.project_state(second_id)

    # What the server was asked for.
    assert {(r.kind, r.model) for r in by_source} == {
        ("analysis", FAST_MODEL),
        ("screen", STRONG_MODEL),
    }
    assert {r.kind for r in by_fork} == {"analysis", "screen"}
    assert {r.model for r in by_fork} == {OTHER_MODEL}
    assert {r.kind for r in by_second} == {"screen"}
    assert {r.model for r in by_second} == {OTHER_MODEL}

    # What the events record: the model called and its price, call for call.
    source_calls = own_calls(source)
    assert len(source_calls) == len(by_source)
    assert all(CONFIGURED[c.purpose] == c.model for c in source_calls)
    assert all(priced_at_its_model(c) for c in source_calls)
    for calls, asked, purposes in (
        (own_calls(fork), by_fork, {"analysis", "screen"}),
        (own_calls(second), by_second, {"screen"}),
    ):
        assert len(calls) == len(asked)
        assert {c.model for c in calls} == {OTHER_MODEL}
        assert {c.purpose for c in calls} == purposes
        assert all(priced_at_its_model(c) for c in calls)
    analysis = next(
        s.event
        for s in fork
        if isinstance(s.event, AnalysisCompleted) and s.event.metadata.copied_from is None
    )
    assert isinstance(analysis, AnalysisCompleted)
    assert analysis.source == "model"
    assert {c.model for c in analysis.metadata.model_calls} == {OTHER_MODEL}

    # The state names the model and sums what it cost.
    for state, history in ((fork_state, fork), (second_state, second)):
        assert state is not None
        assert state.forked_from is not None
        assert state.forked_from.model == OTHER_MODEL
        spent = sum(c.cost_usd for c in own_calls(history))
        assert math.isclose(state.usage.cost_usd, spent, abs_tol=1e-9)


async def test_without_a_configured_model_a_forks_model_is_ignored(
    nats_url: str, database_url: str
) -> None:
    async with stack(nats_url, database_url, LLMSettings.disabled()) as api:
        source_id = await generated(api)
        source = await completed(api, source_id)
        fork_id = await forked(api, source_id, source[0].position, "--model", OTHER_MODEL)
        fork = await completed(api, fork_id)
        fork_state = await api.store.project_state(fork_id)
        replayed = await appgen(api.origin, api.key, "replay", fork_id)

    assert not own_calls(source)
    assert not own_calls(fork)
    specs = [
        s.event
        for s in (*source, *fork)
        if isinstance(s.event, AnalysisCompleted) and s.event.metadata.copied_from is None
    ]
    assert len(specs) == 2
    assert all(isinstance(e, AnalysisCompleted) and e.source == "rules" for e in specs)
    assert specs[0].data() == specs[1].data()
    assert fork_state is not None
    assert fork_state.forked_from is not None
    assert fork_state.forked_from.model == OTHER_MODEL
    assert replayed.code == 0, replayed.err
    assert f"at position {source[0].position} with model {OTHER_MODEL}" in replayed.out


async def test_a_stage_ignores_a_model_its_settings_do_not_offer(
    nats_url: str, fake_openai: FakeOpenAI
) -> None:
    # Where the gateway cannot judge (no model settings of its own), the stage's client does:
    # an unpriced, unconfigured model would be spent on without counting against the budget.
    settings = llm_settings(fake_openai, prices=PRICED)
    connection = await nats.connect(nats_url)
    try:
        client = await open_client(connection.jetstream(), settings, Purpose.analysis)
        assert client is not None
        assert client.model(Purpose.analysis, "made-up-model") == FAST_MODEL
        assert client.model(Purpose.analysis, OTHER_MODEL) == OTHER_MODEL
        assert client.model(Purpose.analysis, STRONG_MODEL) == STRONG_MODEL
        # A dated snapshot of a priced model is priced, so it is offered.
        assert client.model(Purpose.screen, "gpt-4o-mini-2024-07-18") == "gpt-4o-mini-2024-07-18"
    finally:
        await connection.close()
