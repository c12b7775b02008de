"""The native stage's builds wait while generations run, on a real nats-server: the gate closes
when a generation or an edit starts, opens once all have ended and a quiet has passed, and a
start whose end is never heard stops holding builds after the longest a generation may take."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest

from appgen.events import (
    EditApplied,
    EditRequested,
    EventBus,
    ProjectCompleted,
    ProjectRequested,
    ScreenAdded,
    new_project_id,
)
from appgen.events.transport.activity import PipelineActivity
from appgen.native.activity import generations
from appgen.render.gate import Gate
from tests.running import listening, publish

pytestmark = pytest.mark.integration

WAIT_S = 10.0


async def until(check: Callable[[], bool]) -> float:
    """Seconds until `check()` holds."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < WAIT_S, "timed out"
        await asyncio.sleep(0.01)
    return time.monotonic() - started


@pytest.fixture
def gate() -> Gate:
    return Gate()


@pytest.fixture
async def watching(bus: EventBus, gate: Gate) -> AsyncIterator[PipelineActivity]:
    async with listening(generations(gate, quiet_s=0.3, longest_s=1.5), bus.nc) as activity:
        yield activity
    assert gate.is_open


async def test_builds_wait_from_a_start_until_every_end_and_a_quiet(
    bus: EventBus, watching: PipelineActivity, gate: Gate
) -> None:
    one, two = new_project_id(), new_project_id()
    await publish(bus, [ProjectRequested(project_id=one, prompt="A plant tracker")])
    await until(lambda: not gate.is_open)
    edit = new_project_id()  # any 32 hex digits
    requested = EditRequested(
        project_id=two, edit_id=edit, prompt="make it dark", expected_version=2
    )
    await publish(bus, [requested])
    await until(lambda: watching.running == 2)
    # Any other event neither starts nor ends anything.
    await publish(bus, [ScreenAdded(project_id=one, route="a", title="A", index=0, total=1)])
    await publish(bus, [ProjectCompleted(project_id=one)])
    await until(lambda: watching.running == 1)
    await asyncio.sleep(0.5)
    assert not gate.is_open
    applied = EditApplied(
        project_id=two, edit_id=edit, version=2, prompt="make it dark", changes=("dark",)
    )
    await publish(bus, [applied])
    waited = await until(lambda: gate.is_open)
    assert waited >= 0.2


async def test_a_start_whose_end_is_never_heard_stops_holding_builds(
    bus: EventBus, watching: PipelineActivity, gate: Gate
) -> None:
    await publish(bus, [ProjectRequested(project_id=new_project_id(), prompt="A plant tracker")])
    await until(lambda: not gate.is_open)
    waited = await until(lambda: gate.is_open)
    # Not before the longest a generation may take (1.5 s, less the time to hear the start).
    assert waited >= 0.8
    assert watching.running == 0
