"""NATS users and permissions, on a real nats-server configured as `appgen up` configures it:
no credential, no connection; a stage's user is refused by the server when it publishes another
stage's events, deletes the stream or takes another stage's messages; a generation through
every stage, each on its own user, completes (an edit too)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import nats
import nats.errors
import pytest
from nats.aio.client import Client

from appgen.cli.nats_users import NatsCredentials, ensure_credentials
from appgen.cli.stack import ensure_event_stream
from appgen.events import (
    AnalysisCompleted,
    EditApplied,
    EditRejected,
    EditRequested,
    Event,
    NatsSettings,
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
    ScreenAdded,
    ScreensCompleted,
    new_project_id,
    open_bus,
)
from appgen.events.catalog.permissions import ADMIN, ROLES, inbox_prefix
from appgen.events.catalog.stages import Stage
from appgen.events.catalog.subjects import subject_of
from appgen.images.previews import previews
from appgen.native.activity import generations
from appgen.render.gate import Gate
from appgen.stack import NatsServer
from appgen.store import EventStore, StoredEvent
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.integration

# A request the server's permissions drop is never answered: a short wait says so.
REFUSED_WITHIN_S = 1.0


@dataclass
class Secured:
    server: NatsServer
    credentials: NatsCredentials

    def settings(self, user: str) -> NatsSettings:
        return self.credentials.settings(user, NatsSettings(nats_url=self.server.url))


@pytest.fixture
def secured_server(tmp_path: Path) -> Iterator[Secured]:
    credentials = ensure_credentials(tmp_path)
    server = NatsServer(tmp_path / "nats", users=credentials.users(NatsSettings())).start()
    try:
        yield Secured(server, credentials)
    finally:
        server.stop()


@pytest.fixture
async def secured(secured_server: Secured) -> Secured:
    """The server with the stream made by the admin, as `appgen up` does before any service."""
    await ensure_event_stream(secured_server.server.url, credentials=secured_server.credentials)
    return secured_server


@asynccontextmanager
async def raw(secured: Secured, user: str) -> AsyncIterator[tuple[Client, list[str]]]:
    """A plain connection as `user`, with the errors the server sends it."""
    errors: list[str] = []

    async def on_error(error: Exception) -> None:
        errors.append(str(error))

    settings = secured.settings(user)
    nc = await nats.connect(
        secured.server.url,
        user=user,
        password=settings.nats_secret(),
        inbox_prefix=inbox_prefix(user),
        error_cb=on_error,
        allow_reconnect=False,
    )
    try:
        yield nc, errors
    finally:
        await nc.close()


async def violation(errors: list[str], subject: str, kind: str = "publish") -> str:
    for _ in range(50):
        # nats-py lowercases what the server said.
        found = [
            e for e in errors if f'permissions violation for {kind} to "{subject.lower()}"' in e
        ]
        if found:
            return found[0]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no permissions violation for {subject}: {errors}")


async def wait_for_type(
    store: EventStore, project_id: str, kind: type[Event], *, within: float = 60
) -> list[StoredEvent]:
    """The project's history once it holds a `kind` (or a failure or rejection)."""
    ends = (kind, ProjectFailed, EditRejected)
    deadline = asyncio.get_running_loop().time() + within
    while True:
        history = await store.history(project_id)
        if any(isinstance(s.event, ends) for s in history):
            return history
        assert asyncio.get_running_loop().time() < deadline, [s.event.type for s in history]
        await asyncio.sleep(0.05)


async def until(check: Callable[[], bool], *, within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_every_service_has_a_role() -> None:
    from appgen.cli.services import SERVICES

    assert {service.name for service in SERVICES} <= set(ROLES)


def test_the_credentials_are_private_and_kept(tmp_path: Path, secured_server: Secured) -> None:
    folder = secured_server.credentials.folder
    assert folder.stat().st_mode & 0o777 == 0o700
    for user in (ADMIN, *ROLES):
        assert (folder / user).stat().st_mode & 0o777 == 0o600
    assert (secured_server.server.data_dir / "nats-server.conf").stat().st_mode & 0o777 == 0o600
    again = ensure_credentials(tmp_path)
    assert again.passwords == secured_server.credentials.passwords
    assert len(set(again.passwords.values())) == len(again.passwords)


async def test_a_connection_without_credentials_is_refused(secured_server: Secured) -> None:
    url = secured_server.server.url
    with pytest.raises((nats.errors.NoServersError, nats.errors.Error)):
        await nats.connect(url, allow_reconnect=False, max_reconnect_attempts=0, connect_timeout=2)
    with pytest.raises((nats.errors.NoServersError, nats.errors.Error)):
        await nats.connect(
            url,
            user="screens",
            password="not-the-password",
            allow_reconnect=False,
            max_reconnect_attempts=0,
            connect_timeout=2,
        )


async def test_a_stage_cannot_publish_another_stages_events(secured: Secured) -> None:
    project = new_project_id()
    async with raw(secured, "screens") as (nc, errors):
        js = nc.jetstream(timeout=REFUSED_WITHIN_S)
        # Its own kind is accepted (a positive control: the user works).
        own = await js.publish(subject_of(project, ScreenAdded), b"{}")
        assert own.seq > 0
        for forged in (ProjectCompleted, AnalysisCompleted, ProjectRequested):
            subject = subject_of(project, forged)
            with pytest.raises(nats.errors.TimeoutError):
                await js.publish(subject, b"{}")
            await violation(errors, subject)
    async with open_bus(secured.settings(ADMIN), name="check") as bus:
        info = await bus.js.stream_info(bus.settings.stream)
    assert info.state.messages == 1, "a forged event reached the stream"


async def test_a_stage_cannot_delete_or_purge_the_stream(secured: Secured) -> None:
    stream = NatsSettings().stream
    async with raw(secured, "screens") as (nc, errors):
        js = nc.jetstream(timeout=REFUSED_WITHIN_S)
        with pytest.raises(nats.errors.TimeoutError):
            await js.delete_stream(stream)
        await violation(errors, f"$JS.API.STREAM.DELETE.{stream}")
        with pytest.raises(nats.errors.TimeoutError):
            await js.purge_stream(stream)
        await violation(errors, f"$JS.API.STREAM.PURGE.{stream}")
    # Nor may the gateway or the recorder (which may make and update it, never delete it).
    for user in ("gateway", "recorder"):
        async with raw(secured, user) as (nc, errors):
            with pytest.raises(nats.errors.TimeoutError):
                await nc.jetstream(timeout=REFUSED_WITHIN_S).delete_stream(stream)
            await violation(errors, f"$JS.API.STREAM.DELETE.{stream}")
    async with raw(secured, ADMIN) as (nc, _):
        assert (await nc.jetstream().stream_info(stream)).config.name == stream


async def test_a_service_cannot_take_another_stages_messages_or_replies(secured: Secured) -> None:
    stream = NatsSettings().stream
    async with raw(secured, "screens") as (nc, errors):
        await nc.publish(
            f"$JS.API.CONSUMER.MSG.NEXT.{stream}.analyzer", b"{}", reply="_INBOX_screens.x"
        )
        await violation(errors, f"$JS.API.CONSUMER.MSG.NEXT.{stream}.analyzer")
        # Another user's replies (API answers, pulled messages) are not its to hear.
        await nc.subscribe("_INBOX_analyzer.>")
        await violation(errors, "_INBOX_analyzer.>", "subscription")
    async with raw(secured, "gateway") as (nc, errors):
        subject = f"$JS.API.CONSUMER.DELETE.{stream}.screens"
        await nc.publish(subject, b"", reply="_INBOX_gateway.x")
        await violation(errors, subject)


async def test_the_background_stages_hear_what_they_yield_to(secured: Secured) -> None:
    """The images stage's drawing yields to previews being made and the native stage's builds to
    generations, each heard on plain subscriptions its own user must be granted: a refused one
    would never hear a start, and nothing would ever be held."""
    project = new_project_id()
    gate = Gate()
    spans = {"images": previews(longest_s=30.0), "native": generations(gate, longest_s=30.0)}
    stop = asyncio.Event()
    async with (
        raw(secured, "images") as (images, images_errors),
        raw(secured, "native") as (native, native_errors),
        open_bus(secured.settings("gateway"), name="gateway") as gateway,
    ):
        tasks = [
            asyncio.create_task(spans["images"].run(images, stop)),
            asyncio.create_task(spans["native"].run(native, stop)),
        ]
        await images.flush()
        await native.flush()
        await gateway.publish(ProjectRequested(project_id=project, prompt="a plant tracker"))
        await until(lambda: not spans["images"].quiet and not gate.is_open)
        await gateway.publish(
            ProjectFailed(project_id=project, failed_stage=Stage.analyzing, reason="stopped")
        )
        await until(lambda: spans["images"].quiet and gate.is_open)
        stop.set()
        await asyncio.gather(*tasks)
    assert not images_errors, images_errors
    assert not native_errors, native_errors


async def test_a_stage_finds_the_stream_it_may_not_make(secured_server: Secured) -> None:
    """Without the admin's stream a stage stops with a message that says who makes it."""
    from appgen.events.transport.stream import StreamMissing

    settings = secured_server.settings("screens")
    with pytest.raises(StreamMissing, match="start the recorder"):
        async with open_bus(settings, name="screens"):
            pass


async def test_a_generation_and_an_edit_complete_with_a_user_per_service(
    secured: Secured, database_url: str
) -> None:
    project = new_project_id()
    store = await EventStore.open(database_url)
    try:
        async with (
            running_pipeline(secured.server.url, database_url, credentials=secured.credentials),
            open_bus(secured.settings("gateway"), name="gateway") as gateway,
        ):
            await gateway.publish(
                ProjectRequested(project_id=project, prompt="a plant watering tracker")
            )
            history = await wait_for_type(store, project, ProjectCompleted)
            assert any(isinstance(s.event, ScreensCompleted) for s in history)
            await gateway.publish(
                EditRequested(
                    project_id=project,
                    edit_id=uuid.uuid4().hex,
                    prompt="make it dark",
                    expected_version=2,
                )
            )
            history = await wait_for_type(store, project, EditApplied)
        failures = [s.event for s in history if s.event.type.endswith(("Failed", "Rejected"))]
        assert not failures, failures
        assert any(isinstance(s.event, EditApplied) for s in history)
    finally:
        await store.close()
