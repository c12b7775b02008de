"""Stats over a window match figures worked out by hand from a known event set in the store."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from appgen.events import (
    AnalysisStarted,
    Event,
    EventMetadata,
    ModelCall,
    PreviewReady,
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
    Stage,
)
from appgen.gateway import Settings
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.store import EventStore
from appgen.store.keys import key_id_of
from tests.e2e.cli_support import appgen

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def project(
    pid: str,
    start: float,
    *,
    preview: float | None = None,
    end: tuple[str, float] | None = None,
    cost: tuple[float, int, int] | None = None,
    copied_preview: bool = False,
) -> list[Event]:
    events: list[Event] = [
        ProjectRequested(project_id=pid, prompt="a todo app", occurred_at=at(start))
    ]
    if cost is not None:
        usd, tokens_in, tokens_out = cost
        call = ModelCall(
            model="m",
            purpose="spec",
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            cost_usd=usd,
        )
        events.append(
            AnalysisStarted(
                project_id=pid,
                occurred_at=at(start + 0.1),
                metadata=EventMetadata(service="analyzer", model_calls=(call,)),
            )
        )
    if preview is not None:
        meta = EventMetadata(copied_from=uuid.uuid4()) if copied_preview else EventMetadata()
        events.append(PreviewReady(project_id=pid, occurred_at=at(start + preview), metadata=meta))
    if end is not None:
        kind, after = end
        if kind == "complete":
            events.append(ProjectCompleted(project_id=pid, occurred_at=at(start + after)))
        else:
            events.append(
                ProjectFailed(
                    project_id=pid,
                    failed_stage=Stage.adding_screens,
                    reason="down",
                    occurred_at=at(start + after),
                )
            )
    return events


KNOWN: list[Event] = [
    *project("a", 0, preview=1.0, end=("complete", 4.0), cost=(0.10, 100, 50)),
    *project("b", 10, preview=2.0, end=("complete", 6.0), cost=(0.30, 200, 100)),
    *project("c", 20, preview=3.0, end=("failed", 5.0)),
    *project("d", 30),
    # A fork: its copied preview took no time of its own, so it is no sample.
    *project("f", 40, preview=0.01, copied_preview=True),
    # Requested an hour before the window: none of it counts, however expensive.
    *project("e", -3600, preview=0.5, end=("complete", 1.0), cost=(5.0, 9000, 9000)),
]
# Another key's project in the window: in nobody's figures but that key's (and the operator's).
BOBS: list[Event] = project("z", 50, preview=0.2, end=("failed", 0.5), cost=(1.0, 10, 10))
# Worked out by hand for the window [T0, T0 + 1h):
# projects a, b, c, d, f = 5; complete a, b; failed c.
# preview samples 1, 2, 3 s: p50 = 2; p95 at rank 0.95 * 2 = 1.9 → 2 + 0.9 * (3 - 2) = 2.9.
# completion samples 4, 6 s: p50 = 5; p95 at rank 0.95 → 4 + 0.95 * (6 - 4) = 5.9.
# cost 0.10 + 0.30 = 0.40 over 5 projects = 0.08; tokens 300 in, 150 out.
# events in the window: a 4, b 4, c 3, d 1, f 2 = 14, over 3600 s.
EXPECTED = {
    "projects": 5,
    "completed": 2,
    "failed": 1,
    "completion_rate": 0.4,
    "failure_rate": 0.2,
    "time_to_preview": {"samples": 3, "p50_s": 2.0, "p95_s": 2.9},
    "time_to_completion": {"samples": 2, "p50_s": 5.0, "p95_s": 5.9},
    "total_cost_usd": 0.4,
    "mean_cost_usd": 0.08,
    "input_tokens": 300,
    "output_tokens": 150,
    "events": 14,
    "events_per_second": 14 / 3600,
}


def close(actual: object, expected: object) -> bool:
    if isinstance(expected, dict):
        assert isinstance(actual, dict)
        return all(close(actual[k], v) for k, v in expected.items())
    if isinstance(expected, float):
        return isinstance(actual, float | int) and abs(actual - expected) < 1e-9
    return actual == expected


def owned_by(events: list[Event], key_id: str) -> list[Event]:
    return [
        e.model_copy(update={"owner": key_id}) if isinstance(e, ProjectRequested) else e
        for e in events
    ]


async def test_stats_match_figures_worked_out_by_hand(nats_url: str, database_url: str) -> None:
    key, other = await create_key(database_url), await create_key(database_url)
    alice, bob = key_id_of(key), key_id_of(other)
    assert alice is not None
    assert bob is not None
    store = await EventStore.open(database_url)
    try:
        await store.append(list(enumerate(owned_by(KNOWN, alice) + owned_by(BOBS, bob), start=1)))
        figures = (await store.stats(T0, T0 + HOUR, owner=alice)).model_dump()
        assert close(figures, EXPECTED), figures
        everyone = await store.stats(T0, T0 + HOUR)
        assert (everyone.projects, everyone.failed, everyone.events) == (6, 2, 18)
        assert close(everyone.total_cost_usd, 1.4)
        empty = await store.stats(T0 + 2 * HOUR, T0 + 3 * HOUR)
        assert (empty.projects, empty.mean_cost_usd, empty.completion_rate) == (0, None, None)
        with pytest.raises(ValueError, match="end after"):
            await store.stats(T0, T0)
    finally:
        await store.close()

    settings = Settings(nats_url=nats_url, database_url=database_url, gateway_port=0)
    async with (
        serve_gateway(settings) as origin,
        httpx.AsyncClient(base_url=origin, headers=bearer(key)) as http,
    ):
        window = {"since": T0.isoformat(), "until": (T0 + HOUR).isoformat()}
        answer = await http.get("/api/v1/stats", params=window)
        assert answer.status_code == 200
        assert close(answer.json(), EXPECTED)
        # Another key sees its own project only, and nothing of Alice's traffic.
        bobs = await http.get("/api/v1/stats", params=window, headers=bearer(other))
        assert (bobs.json()["projects"], bobs.json()["events"]) == (1, 4)
        assert close(bobs.json()["total_cost_usd"], 1.0)
        reversed_window = await http.get(
            "/api/v1/stats", params={"since": window["until"], "until": window["since"]}
        )
        assert reversed_window.status_code == 422
        assert reversed_window.headers["content-type"] == "application/problem+json"

        ran = await appgen(
            origin, key, "stats", "--since", window["since"], "--until", window["until"], "--json"
        )
        assert close(ran.json(), EXPECTED)
        text = await appgen(
            origin, key, "stats", "--since", window["since"], "--until", window["until"]
        )
        assert text.code == 0
        assert "p50 2.00 s  p95 2.90 s  (3 projects)" in text.out
        bad = await appgen(origin, key, "stats", "--since", "yesterday-ish")
        assert bad.code == 2
        assert "neither an ISO 8601 time nor an age" in bad.err

        metrics = await http.get("/metrics")
        assert metrics.status_code == 200
        assert "appgen_ws_connections" in metrics.text
