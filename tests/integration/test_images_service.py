"""The images service against a real nats-server: events in order, blobs stored, redelivery idempotent."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator

import pytest

from appgen.events import (
    AnalysisCompleted,
    ConsumerSettings,
    Event,
    EventBus,
    ImageGenerated,
    ImagesCompleted,
    NatsSettings,
    encode,
    new_project_id,
)
from appgen.events.catalog.subjects import project_filter, subject_for
from appgen.events.transport.blobs import BlobStore
from appgen.images import ArtGenerator, Settings, build_worker, draw, image_requests, images_worker
from appgen.images.generator import ImageGenerator
from appgen.images.types import Image, ImageRequest
from appgen.spec import AppSpec
from appgen.store.samples import sample_spec
from tests.running import serving_worker
from tests.streams import read_events, wait_for

pytestmark = pytest.mark.integration

FAST = ConsumerSettings(ack_wait_s=5.0, backoff_s=(0.05,), max_deliver=3)


def outputs(events: list[tuple[int, Event]]) -> list[Event]:
    return [e for _, e in events if isinstance(e, (ImageGenerated, ImagesCompleted))]


def finished(events: list[tuple[int, Event]]) -> bool:
    return any(isinstance(e, ImagesCompleted) for _, e in events)


@pytest.fixture
async def running(nats_settings: NatsSettings) -> AsyncIterator[None]:
    """The images service as its own connection, like a separate process."""
    settings = Settings(nats_url=nats_settings.nats_url, consumer=FAST)
    async with serving_worker(build_worker(settings), settings, stop_within_s=15):
        yield


async def run_handler(
    blobs: BlobStore,
    event: AnalysisCompleted,
    generator: ImageGenerator | None = None,
    logged: dict[uuid.UUID, Event] | None = None,
) -> list[Event]:
    async def heartbeat() -> None:
        return None

    worker = images_worker(blobs, generator or ArtGenerator())
    handler = worker.handler_for(event)
    assert handler is not None
    context = worker.context(event, attempt=2, position=0, heartbeat=heartbeat, logged=logged)
    return [output async for output in handler(event, context)]


class CountingArt(ArtGenerator):
    """The real art, counting what it is asked to draw."""

    def __init__(self) -> None:
        super().__init__()
        self.drawn: list[str] = []

    async def generate(self, spec: AppSpec, request: ImageRequest, *, project_id: str) -> Image:
        self.drawn.append(request.name)
        return await super().generate(spec, request, project_id=project_id)


async def test_a_rerun_reuses_the_images_already_in_the_log(bus: EventBus) -> None:
    analysis = AnalysisCompleted(project_id=new_project_id(), spec=sample_spec())
    blobs = await BlobStore.open(bus)
    first = await run_handler(blobs, analysis)
    made = [e for e in first if isinstance(e, ImageGenerated)]
    assert len(made) >= 3
    art = CountingArt()
    # A crash after the first two images: the rerun finds them in the log and draws the rest.
    again = await run_handler(blobs, analysis, art, {e.event_id: e for e in made[:2]})
    assert art.drawn == [e.name for e in made[2:]]
    assert [e.event_id for e in again] == [e.event_id for e in first]
    assert again[:2] == made[:2]


def expected_files(spec: AppSpec) -> dict[str, bytes]:
    return {
        r.path: r.data for request in image_requests(spec) for r in draw(spec, request).renditions
    }


@pytest.mark.usefixtures("running")
async def test_analysis_becomes_images_in_the_stream_and_blob_store(bus: EventBus) -> None:
    spec = sample_spec()
    project = new_project_id()
    analysis = AnalysisCompleted(project_id=project, spec=spec)
    await bus.publish(analysis)

    events = await wait_for(bus.js, finished, project_filter(project))
    produced = outputs(events)
    requests = image_requests(spec)
    total = len(requests)
    images = produced[:-1]
    assert [type(e) for e in produced] == [ImageGenerated] * total + [ImagesCompleted]
    assert isinstance(produced[-1], ImagesCompleted)
    assert produced[-1].count == total
    assert all(isinstance(e, ImageGenerated) for e in images)
    generated = [e for e in images if isinstance(e, ImageGenerated)]
    assert [(e.name, e.purpose, e.index, e.total) for e in generated] == [
        (r.name, r.purpose.value, i, total) for i, r in enumerate(requests)
    ]
    assert generated[0].purpose == "icon"
    assert [e.progress for e in generated] == sorted(e.progress for e in generated)
    assert generated[-1].progress == 90
    assert all(e.metadata.causation_id == analysis.event_id for e in produced)

    blobs = await BlobStore.open(bus)
    expected = expected_files(spec)
    announced = {f.path: f for e in generated for f in e.files}
    assert set(announced) == set(expected)
    for path, file in announced.items():
        assert file.blob
        assert file.text is None
        assert file.sha256 == hashlib.sha256(expected[path]).hexdigest()
        assert await blobs.get(file.sha256) == expected[path], path


@pytest.mark.usefixtures("running")
async def test_redelivered_analysis_republishes_the_same_ids(bus: EventBus) -> None:
    spec = sample_spec(entities=(("plant", "Plants", "🌱"),))
    project = new_project_id()
    analysis = AnalysisCompleted(project_id=project, spec=spec)
    await bus.publish(analysis)
    first = outputs(await wait_for(bus.js, finished, project_filter(project)))

    # The same input again under another Nats-Msg-Id, as a redelivery after a lost ack would be.
    again = await bus.js.publish(
        subject_for(analysis), encode(analysis), headers={"Nats-Msg-Id": f"{analysis.event_id}-2"}
    )
    assert not again.duplicate
    deadline = asyncio.get_running_loop().time() + 20
    while True:
        info = await bus.js.consumer_info(bus.settings.stream, "images")
        if info.ack_floor.stream_seq >= again.seq and not info.num_ack_pending:
            break
        assert asyncio.get_running_loop().time() < deadline, "the repeat was not handled"
        await asyncio.sleep(0.05)

    after = outputs(await read_events(bus.js, project_filter(project)))
    assert [e.event_id for e in after] == [e.event_id for e in first]

    # Running the handler directly (another attempt) also gives those ids and the same files.
    direct = await run_handler(await BlobStore.open(bus), analysis)
    assert [e.event_id for e in direct] == [e.event_id for e in first]
    assert [getattr(e, "files", ()) for e in direct] == [getattr(e, "files", ()) for e in first]
