"""What every event store must do, written once and run against each implementation.

A new store (another database, an in-memory fake) subclasses `StoreContract` and provides the
`store` fixture; every assertion below then holds for it too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from appgen.events import Event, ProjectCompleted, ProjectRequested, ScreenAdded
from appgen.store import CheckpointMoved, EventStore
from appgen.store.samples import sample_history

pytestmark = pytest.mark.integration


def positioned(events: list[Event], start: int = 1, step: int = 1) -> list[tuple[int, Event]]:
    return [(start + i * step, event) for i, event in enumerate(events)]


class StoreContract:
    """The assertions; subclasses supply `store`, an empty store."""

    async def test_append_returns_rows_inserted_and_is_idempotent(self, store: EventStore) -> None:
        records = positioned(sample_history())
        assert await store.append(records) == len(records)
        assert await store.append(records) == 0
        assert await store.append(records[:3] + records[-2:]) == 0
        assert len(await store.history(records[0][1].project_id)) == len(records)

    async def test_append_nothing(self, store: EventStore) -> None:
        assert await store.append([]) == 0
        assert await store.last_position() == 0

    async def test_same_event_at_two_positions_keeps_the_first(self, store: EventStore) -> None:
        events = sample_history()
        records = positioned(events)
        await store.append(records)
        assert await store.append([(1000, events[2])]) == 0
        # In one batch too: the lower position wins.
        other = sample_history()
        assert await store.append([(2001, other[0]), (2000, other[0])]) == 1
        history = await store.history(other[0].project_id)
        assert [s.position for s in history] == [2000]
        assert await store.last_position() == 2000

    async def test_history_orders_and_pages(self, store: EventStore) -> None:
        a, b = sample_history(), sample_history()
        # Interleave two projects, with gaps in the positions as a shared stream has.
        records = [(10 * i + 5, e) for i, e in enumerate(a)] + [
            (10 * i + 7, e) for i, e in enumerate(b)
        ]
        await store.append(list(reversed(records)))
        pid = a[0].project_id
        full = await store.history(pid)
        assert [s.event for s in full] == a
        assert [s.position for s in full] == [10 * i + 5 for i in range(len(a))]
        assert all(s.recorded_at.tzinfo is not None for s in full)

        first = await store.history(pid, limit=4)
        rest = await store.history(pid, since=first[-1].position)
        assert [s.event for s in first + rest] == a
        window = await store.history(pid, since=15, until=45)
        assert [s.position for s in window] == [25, 35, 45]
        assert await store.history(pid, since=full[-1].position) == []
        assert await store.history("no-such-project") == []

    async def test_events_round_trip_exactly(self, store: EventStore) -> None:
        events = sample_history(screens=2, images=1)
        await store.append(positioned(events))
        stored = await store.history(events[0].project_id)
        assert [s.event for s in stored] == events
        assert [type(s.event) for s in stored] == [type(e) for e in events]

    async def test_project_state_at_positions(self, store: EventStore) -> None:
        events = sample_history(screens=3)
        records = positioned(events)
        await store.append(records)
        pid = events[0].project_id
        assert await store.project_state("no-such-project") is None

        now = await store.project_state(pid)
        assert now is not None
        assert now.status == "complete"
        assert now.progress == 100
        assert now.event_count == len(events)
        assert now.last_position == records[-1][0]

        first_screen = next(p for p, e in records if isinstance(e, ScreenAdded))
        then = await store.project_state(pid, at=first_screen)
        assert then is not None
        assert then.status == "running"
        assert then.stage.value == "adding_screens"
        assert [s.route for s in then.screens] == ["screen-0"]
        assert then.last_position == first_screen

        start = await store.project_state(pid, at=1)
        assert start is not None
        assert start.prompt == "Create a todo list app"
        assert start.event_count == 1

    async def test_file_tree_at_positions(self, store: EventStore) -> None:
        events = sample_history(screens=2, images=1)
        records = positioned(events)
        await store.append(records)
        pid = events[0].project_id
        tree = await store.file_tree(pid)
        assert "screens/screen-0.js" in tree
        assert "images/image-0.png" in tree
        assert tree["images/image-0.png"].blob
        # ComponentsAdded rewrites screen-0 last; before it, the first version stands.
        rewrite = next(p for p, e in records if e.type == "ComponentsAdded")
        before = await store.file_tree(pid, at=rewrite - 1)
        assert before["screens/screen-0.js"] != tree["screens/screen-0.js"]
        assert "components/header.js" not in before
        assert await store.file_tree(pid, at=1) == {}

    async def test_list_projects_newest_first_with_counts(self, store: EventStore) -> None:
        day = datetime(2025, 3, 1, tzinfo=UTC)
        histories = [
            sample_history(start=day + timedelta(hours=i), fail=(i % 3 == 0)) for i in range(7)
        ]
        position = 1
        for history in histories:
            await store.append(positioned(history, start=position))
            position += len(history)
        page, total = await store.list_projects(limit=3)
        assert total == 7
        newest = [h[0].project_id for h in reversed(histories)]
        assert [s.project_id for s in page] == newest[:3]
        second, _ = await store.list_projects(limit=3, offset=3)
        assert [s.project_id for s in second] == newest[3:6]
        beyond, total_beyond = await store.list_projects(offset=50)
        assert (beyond, total_beyond) == ([], 7)

        failed, failed_total = await store.list_projects(status="failed")
        assert failed_total == 3
        assert {s.status for s in failed} == {"failed"}
        assert all(s.failure_reason for s in failed)
        done, done_total = await store.list_projects(status="complete")
        assert done_total == 4
        assert all(s.progress == 100 and s.preview_ready for s in done)

    async def test_summary_agrees_with_the_fold(self, store: EventStore) -> None:
        events = sample_history(screens=4, images=3)
        records = positioned(events)
        # Written in several appends, as the recorder's batches split a project.
        for chunk in (records[:5], records[5:11], records[11:]):
            await store.append(chunk)
        await store.append(records[4:9])
        (summary,), _ = await store.list_projects()
        state = await store.project_state(events[0].project_id)
        assert state is not None
        assert (summary.stage, summary.status, summary.progress) == (
            state.stage,
            state.status,
            state.progress,
        )
        assert summary.event_count == state.event_count == len(events)
        assert summary.last_position == state.last_position
        assert (summary.created_at, summary.updated_at) == (state.created_at, state.updated_at)
        assert summary.name == state.name
        assert summary.prompt == state.prompt

    async def test_last_position(self, store: EventStore) -> None:
        assert await store.last_position() == 0
        await store.append(positioned(sample_history(), start=40))
        assert await store.last_position() == 40 + len(sample_history()) - 1

    async def test_events_between(self, store: EventStore) -> None:
        start = datetime(2025, 5, 1, tzinfo=UTC)
        events = sample_history(start=start)
        await store.append(positioned(events))
        found = await store.events_between(start, start + timedelta(seconds=3))
        assert [s.event for s in found] == events[:3]
        assert await store.events_between(start - timedelta(days=1), start) == []

    async def test_ping(self, store: EventStore) -> None:
        await store.ping()

    async def test_tracked_append_moves_the_mark_and_skips_what_is_stored(
        self, store: EventStore
    ) -> None:
        events = sample_history()
        records = positioned(events)
        await store.append(records[:5])
        await store.ensure_tracking()
        # The stream holds the fourth event again at a later position: stored once, at its first.
        batch = [*records, (len(records) + 1, events[3])]
        inserted = await store.append_tracked(batch, expected=0, position=len(records) + 1)
        assert inserted == records[5:]
        assert await store.high_water() == len(records) + 1
        state = await store.project_state(events[0].project_id)
        assert state is not None
        assert state.event_count == len(events)
        summaries, _ = await store.list_projects()
        assert [(s.event_count, s.last_position) for s in summaries] == [
            (len(events), len(records))
        ]

    async def test_tracked_append_from_a_moved_mark_writes_nothing(self, store: EventStore) -> None:
        first, second = sample_history(), sample_history()
        await store.ensure_tracking()
        await store.append_tracked(positioned(first), expected=0, position=len(first))
        later = positioned(second, start=len(first) + 1)
        with pytest.raises(CheckpointMoved):
            await store.append_tracked(later, expected=0, position=later[-1][0])
        assert await store.high_water() == len(first)
        assert await store.project_state(second[0].project_id) is None
        with pytest.raises(ValueError, match="cannot go back"):
            await store.append_tracked(later, expected=len(first), position=1)
        inserted = await store.append_tracked(later, expected=len(first), position=later[-1][0])
        assert inserted == later
        assert await store.high_water() == later[-1][0]

    async def test_terminal_events_recorded(self, store: EventStore) -> None:
        events = sample_history()
        await store.append(positioned(events))
        stored = await store.history(events[0].project_id)
        assert isinstance(stored[0].event, ProjectRequested)
        assert isinstance(stored[-1].event, ProjectCompleted)


class TestPostgresStore(StoreContract):
    @pytest.fixture
    async def store(self, database_url: str) -> AsyncIterator[EventStore]:
        opened = await EventStore.open(database_url)
        try:
            yield opened
        finally:
            await opened.close()
