"""The native stage against real NATS, PostgreSQL, the recorder and the gateway, with Node.js:
a version's Expo web build is served under the preview link, a broken build is reported (and
the project stays complete), and Expo Go at the protocol level (no phone here): the manifest for
SDK 54, the bundle for iOS and Android, and a fresh bundle after an edit adds a list."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from appgen.analyzer import analyze
from appgen.analyzer.edits import Revision, revise
from appgen.events import (
    AnalysisCompleted,
    Event,
    EventBus,
    NativeBuildFailed,
    NativeBuilt,
    NativeEvent,
    NatsSettings,
    ProjectCompleted,
    ProjectRequested,
    new_project_id,
)
from appgen.events.transport.blobs import BlobStore
from appgen.gateway import Settings
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.native.builder import WebBuilder
from appgen.native.handlers import native_worker, web_project
from appgen.native.handlers import serve as serve_native
from appgen.native.settings import NativeSettings
from appgen.native.settings import Settings as NativeServiceSettings
from appgen.spec import AppSpec
from appgen.store.keys import key_id_of
from appgen.store.samples import applied_edit
from tests.running import publish, recorder, serving_worker

pytestmark = pytest.mark.integration

BUILD_S = 300.0
EXPO_GO_HEADERS = {"accept": "application/expo+json,application/json"}


@pytest.fixture
async def gateway(
    expo_tree: Path, nats_settings: NatsSettings, database_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    settings = Settings(nats_url=nats_settings.nats_url, database_url=database_url, gateway_port=0)
    key = await create_key(database_url)
    async with (
        recorder(nats_settings, database_url),
        serve_gateway(settings) as url,
        httpx.AsyncClient(base_url=url, timeout=30, headers=bearer(key)) as http,
    ):
        yield http, key


def completed(project_id: str, owner: str | None, spec: AppSpec) -> list[Event]:
    return [
        ProjectRequested(project_id=project_id, prompt="a plant watering tracker", owner=owner),
        AnalysisCompleted(project_id=project_id, spec=spec),
        ProjectCompleted(project_id=project_id),
    ]


def an_edit(project_id: str, before: AppSpec, prompt: str) -> tuple[list[Event], AppSpec]:
    outcome = revise(before, prompt)
    assert isinstance(outcome, Revision), outcome
    return applied_edit(project_id, before, outcome.spec, prompt), outcome.spec


async def native_event(
    bus: EventBus, project_id: str, kinds: tuple[type[NativeEvent], ...], within_s: float
) -> NativeEvent:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        found = [await bus.log.latest(project_id, kind) for kind in kinds]
        hits = [f for f in found if f is not None]
        if hits:
            return max(hits, key=lambda f: f[0])[1]
        await asyncio.sleep(0.5)
    raise AssertionError(f"no {[k.__name__ for k in kinds]} for {project_id} in {within_s} s")


async def until_status(
    http: httpx.AsyncClient, project_id: str, wanted: str, within_s: float
) -> dict[str, Any]:
    deadline = time.monotonic() + within_s
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        answer = await http.get(f"/api/v1/projects/{project_id}/native-preview")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if body["status"] == wanted:
            return body
        assert body["status"] != "failed", body
        await asyncio.sleep(0.5)
    raise AssertionError(f"native preview not {wanted} in {within_s} s: {body}")


async def bundle(manifest_url: str, platform: str) -> tuple[dict[str, Any], httpx.Response]:
    """What Expo Go does: the manifest (as JSON), then its launch asset."""
    async with httpx.AsyncClient(timeout=BUILD_S) as phone:
        answer = await phone.get(
            manifest_url, headers={**EXPO_GO_HEADERS, "expo-platform": platform}
        )
        assert answer.status_code == 200, answer.text[:2000]
        manifest: dict[str, Any] = answer.json()
        script = await phone.get(manifest["launchAsset"]["url"])
    return manifest, script


@pytest.mark.timeout(900)
async def test_a_version_is_built_served_and_opened_in_expo_go(
    gateway: tuple[httpx.AsyncClient, str], bus: EventBus, nats_settings: NatsSettings
) -> None:
    http, key = gateway
    spec = analyze("a plant watering tracker with reminders")
    project_id = new_project_id()
    await publish(bus, completed(project_id, key_id_of(key), spec))
    settings = NativeServiceSettings(
        nats_url=nats_settings.nats_url,
        native=NativeSettings(previews=1, preview_idle_s=600),
    )
    stop = asyncio.Event()
    native = asyncio.create_task(serve_native(settings, stop))
    try:
        built = await native_event(bus, project_id, (NativeBuilt, NativeBuildFailed), BUILD_S)
        assert isinstance(built, NativeBuilt), built
        print(f"web build in {built.seconds:.1f} s")
        assert built.version == 1
        assert built.sdk == 54
        project = (await http.get(f"/api/v1/projects/{project_id}")).json()
        assert project["status"] == "complete"
        assert project["stage"] == "complete"
        base = urlsplit(project["preview_url"]).path + "native/"
        page = await http.get(base)
        assert page.status_code == 200, page.text
        assert '<div id="root">' in page.text
        assert "__APPGEN" not in page.text
        script = page.text.split('<script src="')[1].split('"')[0]
        assert script.startswith(base)
        js = await http.get(script)
        assert js.status_code == 200
        assert "javascript" in js.headers["content-type"]
        assert spec.name in js.text
        route = await http.get(base + "some/route")
        assert route.text == page.text

        # Expo Go: the pool starts a Metro dev server; the manifest and bundles are SDK 54's.
        asked = time.monotonic()
        started = await http.post(f"/api/v1/projects/{project_id}/native-preview")
        assert started.status_code == 202, started.text
        ready = await until_status(http, project_id, "ready", BUILD_S)
        assert ready["expo_url"].startswith("exp://127.0.0.1:")
        print(f"\nExpo Go server ready {time.monotonic() - asked:.1f} s after the POST")
        manifest_url = "http://" + ready["expo_url"].removeprefix("exp://") + "/"
        for platform in ("ios", "android"):
            fetched = time.monotonic()
            manifest, js = await bundle(manifest_url, platform)
            print(f"{platform} bundle in {time.monotonic() - fetched:.1f} s")
            assert manifest["runtimeVersion"] == "exposdk:54.0.0"
            assert manifest["extra"]["expoClient"]["sdkVersion"] == "54.0.0"
            assert f"platform={platform}" in manifest["launchAsset"]["url"]
            assert js.status_code == 200, js.text[:2000]
            assert "javascript" in js.headers["content-type"]
            assert spec.name in js.text

        # The pool holds one server: another project waits.
        other = new_project_id()
        await publish(bus, completed(other, key_id_of(key), spec))
        full = await http.post(f"/api/v1/projects/{other}/native-preview")
        assert full.status_code == 429, full.text
        assert int(full.headers["retry-after"]) >= 1
        foreign = await http.post(f"/api/v1/projects/{new_project_id()}/native-preview")
        assert foreign.status_code == 404

        # An edit adds a list: the files change on disk and a fresh bundle has the new screen.
        events, after = an_edit(project_id, spec, "add a list of seeds")
        added = [s for s in after.screens if s.route not in {x.route for x in spec.screens}]
        assert added
        await publish(bus, events)
        landed = time.monotonic()
        deadline = landed + BUILD_S
        while True:
            _, js = await bundle(manifest_url, "ios")
            if all(screen.title in js.text for screen in added):
                print(f"the new list in a fresh bundle {time.monotonic() - landed:.1f} s later")
                break
            assert time.monotonic() < deadline, "the new list never reached the bundle"
            await asyncio.sleep(1)
        rebuilt = await native_event(bus, project_id, (NativeBuilt,), BUILD_S)
        assert isinstance(rebuilt, NativeBuilt)
    finally:
        stop.set()
        await asyncio.wait_for(native, 60)
    stopped = (await http.get(f"/api/v1/projects/{project_id}/native-preview")).json()
    assert stopped["status"] == "stopped", stopped


def broken(spec: AppSpec, images: Mapping[str, bytes]) -> dict[str, bytes]:
    files = web_project(spec, images)
    files["src/broken.ts"] = b'export const answer: number = "not a number";\n'
    return files


@pytest.mark.timeout(600)
async def test_a_broken_build_is_reported_and_the_project_stays_complete(
    gateway: tuple[httpx.AsyncClient, str], bus: EventBus, nats_settings: NatsSettings
) -> None:
    http, key = gateway
    project_id = new_project_id()
    await publish(bus, completed(project_id, key_id_of(key), analyze("Create a todo list app")))

    async def factory(bus: EventBus) -> Any:
        return native_worker(bus, await BlobStore.open(bus), WebBuilder(), project_files=broken)

    settings = NativeServiceSettings(nats_url=nats_settings.nats_url)
    async with serving_worker(factory, settings, stop_within_s=60):
        failed = await native_event(bus, project_id, (NativeBuilt, NativeBuildFailed), BUILD_S)
    assert isinstance(failed, NativeBuildFailed), failed
    assert "tsc" in failed.reason
    assert "src/broken.ts" in failed.log_tail
    assert "TS2322" in failed.log_tail
    project = (await http.get(f"/api/v1/projects/{project_id}")).json()
    assert project["status"] == "complete"
    assert project["progress"] == 100
    page = await http.get(urlsplit(project["preview_url"]).path + "native/")
    assert page.status_code == 404
