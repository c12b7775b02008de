"""The images stage's drawing waits while previews are being made, on a real nats-server: a
drawing asked for while a project is between ProjectRequested and PreviewReady (or its failure)
starts once that ends, and never waits longer than its hold, so a preview whose end is never
heard cannot starve the images."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from appgen.events import (
    EventBus,
    PreviewReady,
    ProjectFailed,
    ProjectRequested,
    ScreenAdded,
    Stage,
    new_project_id,
)
from appgen.events.transport.activity import PipelineActivity
from appgen.images import ArtGenerator, Image, image_requests
from appgen.images.previews import previews
from appgen.store.samples import sample_spec
from tests.running import listening, publish

pytestmark = pytest.mark.integration

WAIT_S = 10.0


@pytest.fixture
async def watching(bus: EventBus) -> AsyncIterator[PipelineActivity]:
    async with listening(previews(longest_s=30.0), bus.nc) as activity:
        yield activity


def drawing(art: ArtGenerator) -> asyncio.Task[Image]:
    spec = sample_spec()
    return asyncio.create_task(art.generate(spec, image_requests(spec)[0], project_id="p"))


async def until_busy(activity: PipelineActivity) -> None:
    started = time.monotonic()
    while activity.quiet:
        assert time.monotonic() - started < WAIT_S, "no start heard"
        await asyncio.sleep(0.01)


async def test_a_drawing_waits_until_the_preview_being_made_is_ready(
    bus: EventBus, watching: PipelineActivity
) -> None:
    one, two = new_project_id(), new_project_id()
    await publish(bus, [ProjectRequested(project_id=one, prompt="A plant tracker")])
    await publish(bus, [ProjectRequested(project_id=two, prompt="A book club")])
    await until_busy(watching)
    task = drawing(ArtGenerator(watching, hold_s=WAIT_S))
    # Any other event neither starts nor ends a preview.
    await publish(bus, [ScreenAdded(project_id=one, route="a", title="A", index=0, total=1)])
    await publish(bus, [PreviewReady(project_id=one)])
    await asyncio.sleep(0.4)
    assert not task.done(), "drew while a preview was still being made"
    failed = ProjectFailed(project_id=two, failed_stage=Stage.analyzing, reason="no model")
    await publish(bus, [failed])
    image = await asyncio.wait_for(task, WAIT_S)
    assert image.renditions
    assert watching.running == 0


async def test_a_drawing_holds_no_longer_than_its_bound(
    bus: EventBus, watching: PipelineActivity
) -> None:
    # A preview whose end never comes: the drawing goes ahead after its hold.
    await publish(bus, [ProjectRequested(project_id=new_project_id(), prompt="A plant tracker")])
    await until_busy(watching)
    started = time.monotonic()
    image = await asyncio.wait_for(drawing(ArtGenerator(watching, hold_s=0.5)), WAIT_S)
    assert image.renditions
    assert time.monotonic() - started >= 0.45
    assert not watching.quiet


async def test_nothing_is_held_when_no_preview_is_being_made(watching: PipelineActivity) -> None:
    assert watching.quiet
    assert await watching.until_quiet(0.0)
    image = await asyncio.wait_for(drawing(ArtGenerator(watching, hold_s=WAIT_S)), WAIT_S)
    assert image.renditions


async def test_a_drawing_waits_for_the_ready_preview_to_reach_its_client(bus: EventBus) -> None:
    """With a quiet, the drawing starts that long after the preview was made, not the moment
    its PreviewReady is published (when the gateway is still sending it)."""
    async with listening(previews(longest_s=30.0, quiet_s=0.5), bus.nc) as activity:
        project_id = new_project_id()
        await publish(bus, [ProjectRequested(project_id=project_id, prompt="A plant tracker")])
        await until_busy(activity)
        task = drawing(ArtGenerator(activity, hold_s=WAIT_S))
        await publish(bus, [PreviewReady(project_id=project_id)])
        made = time.monotonic()
        await asyncio.sleep(0.2)
        assert not task.done(), "drew the moment the preview was made"
        image = await asyncio.wait_for(task, WAIT_S)
        assert image.renditions
        assert time.monotonic() - made >= 0.45
