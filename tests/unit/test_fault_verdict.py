"""The fault campaign's checks (bench/_verdict.py) catch what they are there to catch."""

from __future__ import annotations

import pytest

from bench._follow import Followed, HistoryReads
from bench._verdict import Fact, Verdict, judge

pytestmark = pytest.mark.unit

PID = "p" * 32
HISTORY: list[Fact] = [
    (1, "a", "ProjectRequested", ""),
    (4, "b", "AnalysisCompleted", ""),
    (6, "c", "ScreenAdded", "home"),
    (9, "d", "ScreenAdded", "list"),
    (12, "e", "ProjectCompleted", ""),
]


def received(*facts: Fact) -> Followed:
    followed = Followed("a prompt", project_id=PID, end="ProjectCompleted")
    followed.events = [(p, i, kind) for p, i, kind, _ in facts]
    return followed


def verdict_of(
    client: Followed,
    stored: list[Fact] = HISTORY,
    streamed: list[Fact] | None = None,
    reads: HistoryReads | None = None,
) -> Verdict:
    return judge(
        [client],
        {PID: stored},
        {PID: stored if streamed is None else streamed},
        reads or HistoryReads(),
        None,
    )


def failing(verdict: Verdict) -> dict[str, int]:
    return {row.check: row.value for row in verdict.rows if row.failing}


def test_a_client_that_saw_the_history_once_in_order_is_clean() -> None:
    reads = HistoryReads(reads=[(PID, [(1, "a"), (4, "b")]), (PID, [])])
    verdict = verdict_of(received(*HISTORY), reads=reads)
    assert verdict.clean, verdict.table()


def test_lost_repeated_and_reordered_events_are_counted() -> None:
    a, b, c, d, e = HISTORY
    assert failing(verdict_of(received(a, b, d, e))) == {"events lost (stored, never received)": 1}
    assert failing(verdict_of(received(a, b, c, c, d, e))) == {"events received twice": 1}
    assert failing(verdict_of(received(a, c, b, d, e))) == {"events received out of order": 1}


def test_an_event_at_another_position_than_stored_is_counted() -> None:
    a, b, c, d, e = HISTORY
    moved = (7, *c[1:])
    assert failing(verdict_of(received(a, b, moved, d, e))) == {
        "events received not as stored (id, position)": 1
    }


def test_a_stream_that_differs_from_the_store_is_counted() -> None:
    streamed = [*HISTORY[:2], HISTORY[3], HISTORY[4]]
    assert failing(verdict_of(received(*HISTORY), streamed=streamed)) == {
        "histories where stream and store differ": 1
    }
    # A copy published again after the duplicate window: the store keeps the first only.
    again = [*HISTORY, (14, "c", "ScreenAdded", "home")]
    assert verdict_of(received(*HISTORY), streamed=again).clean


def test_an_output_made_twice_and_a_second_end_are_counted() -> None:
    twice = [*HISTORY[:3], (7, "x", "ScreenAdded", "home"), *HISTORY[3:]]
    found = failing(verdict_of(received(*twice), stored=twice))
    assert found == {"stage outputs produced twice": 1}
    ended_twice = [*HISTORY, (13, "f", "ProjectFailed", "")]
    found = failing(verdict_of(received(*HISTORY), stored=ended_twice))
    assert found == {"stage outputs produced twice": 1, "histories with events after their end": 1}


def test_a_read_with_a_hole_is_counted() -> None:
    reads = HistoryReads(reads=[(PID, [(1, "a"), (6, "c")])])
    assert failing(verdict_of(received(*HISTORY), reads=reads)) == {
        "history reads that showed a hole": 1
    }


def test_failed_and_stuck_projects_fail_the_campaign() -> None:
    failed = [*HISTORY[:4], (12, "f", "ProjectFailed", "")]
    found = failing(verdict_of(received(*failed), stored=failed))
    assert found == {"projects completed": 0, "projects failed": 1}
    stuck = HISTORY[:4]
    client = received(*stuck)
    client.end = None
    found = failing(verdict_of(client, stored=stuck))
    assert found == {"projects completed": 0, "projects stuck (no end)": 1}
