"""A prompt through every stage over real NATS and PostgreSQL, checked in the event store."""

from __future__ import annotations

import asyncio

import pytest

from appgen.events import (
    AnalysisCompleted,
    Event,
    EventBus,
    ImageGenerated,
    PreviewReady,
    ProjectCompleted,
    ProjectRequested,
    ScreenAdded,
    Stage,
    new_project_id,
)
from appgen.store import EventStore, StoredEvent
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.e2e


async def wait_for_type(
    store: EventStore, project_id: str, kind: type[Event], within: float = 30
) -> list[StoredEvent]:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        history = await store.history(project_id)
        if any(isinstance(s.event, kind) for s in history):
            return history
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"no {kind.__name__} in {within}s; store has {[s.event.type for s in history]}"
            )
        await asyncio.sleep(0.05)


def index_of(history: list[StoredEvent], kind: type[Event]) -> int:
    return next(i for i, s in enumerate(history) if isinstance(s.event, kind))


async def test_a_prompt_becomes_a_complete_project_in_the_store(
    bus: EventBus, nats_url: str, database_url: str
) -> None:
    project = new_project_id()
    store = await EventStore.open(database_url)
    try:
        async with running_pipeline(nats_url, database_url):
            await bus.publish(
                ProjectRequested(
                    project_id=project,
                    prompt="a plant watering tracker with reminders and photos",
                )
            )
            history = await wait_for_type(store, project, ProjectCompleted)
            await asyncio.sleep(0.3)  # anything published late would show up now
            history = await store.history(project)
        types = [s.event.type for s in history]
        positions = [s.position for s in history]
        assert positions == sorted(positions)
        assert len({s.event.event_id for s in history}) == len(history), "an event was stored twice"
        assert types[0] == "ProjectRequested"
        assert types[-1] == "ProjectCompleted"
        assert types.count("ProjectCompleted") == 1
        main_path = [
            "ProjectRequested",
            "AnalysisStarted",
            "AnalysisCompleted",
            "ProjectCreated",
            "BaseGenerated",
            "PreviewConfigured",
            "PreviewReady",
        ]
        assert [t for t in types if t in main_path] == main_path
        assert index_of(history, PreviewReady) < index_of(history, ScreenAdded)
        # Images run in the background from the analysis, beside the scaffolder and screens.
        assert index_of(history, AnalysisCompleted) < index_of(history, ImageGenerated)
        assert types.index("ComponentsAdded") > max(
            i for i, t in enumerate(types) if t == "ScreenAdded"
        )
        assert {"ScreensCompleted", "ImagesCompleted"} <= set(types)

        analysis = history[index_of(history, AnalysisCompleted)].event
        assert isinstance(analysis, AnalysisCompleted)
        added = [s.event.route for s in history if isinstance(s.event, ScreenAdded)]
        spec = analysis.spec
        assert added == [s.route for s in spec.screens if s.route != spec.home]
        assert {"plant", "watering", "reminder"} <= {e.name for e in spec.entities}

        state = await store.project_state(project)
        assert state is not None
        assert state.stage is Stage.complete
        assert state.progress == 100
        assert state.preview_ready
        tree = await store.file_tree(project)
        assert "index.html" in tree
        assert "assets/icon-192.png" in tree
        assert all(f"app/screens/{route}.js" in tree for route in added)
    finally:
        await store.close()
