"""Running one prompt through the real pipeline (real NATS and PostgreSQL) with a model."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from appgen.events import (
    ConsumerSettings,
    Event,
    EventBus,
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
    new_project_id,
)
from appgen.events.catalog.files import FileWrite
from appgen.events.read.projection import ProjectState
from appgen.llm import LLMSettings
from appgen.store import EventStore
from tests.inprocess import running_pipeline

FAST = ConsumerSettings(max_deliver=2, backoff_s=(0.05,))


@dataclass
class Outcome:
    events: list[Event]
    state: ProjectState
    files: dict[str, FileWrite]

    def of(self, kind: type[Event]) -> list[Event]:
        return [e for e in self.events if isinstance(e, kind)]

    def types(self) -> list[str]:
        return [e.type for e in self.events]


async def generate(
    bus: EventBus,
    nats_url: str,
    database_url: str,
    llm: LLMSettings,
    prompt: str = "a plant watering tracker with reminders and photos",
    within_s: float = 60.0,
) -> Outcome:
    """Request one project and wait for it to end (completed or failed), then read the store."""
    project = new_project_id()
    store = await EventStore.open(database_url)
    try:
        async with running_pipeline(nats_url, database_url, consumer=FAST, llm=llm):
            await bus.publish(ProjectRequested(project_id=project, prompt=prompt))
            deadline = asyncio.get_running_loop().time() + within_s
            while True:
                history = await store.history(project)
                if any(isinstance(s.event, ProjectCompleted | ProjectFailed) for s in history):
                    break
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"not finished: {[s.event.type for s in history]}")
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)  # anything published late would show up now
        history = await store.history(project)
        state = await store.project_state(project)
        assert state is not None
        files = await store.file_tree(project)
        return Outcome([s.event for s in history], state, files)
    finally:
        await store.close()
