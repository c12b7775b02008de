"""`GET /api/v1/projects/{id}/export?format=expo` and `appgen export` against a real gateway,
NATS, PostgreSQL and recorder: the zip holds the Expo project of the spec at the position asked
for (an edit's version, or an earlier one), with the images stage's icon; and the problems."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from appgen.analyzer import analyze
from appgen.events import (
    AnalysisCompleted,
    Event,
    EventBus,
    FileWrite,
    ImageGenerated,
    NatsSettings,
    ProjectCompleted,
    ProjectRequested,
    new_project_id,
)
from appgen.events.transport.blobs import BlobStore
from appgen.gateway import Settings
from appgen.gateway.testing import bearer, create_key, serve_gateway
from appgen.images import icon_png_path
from appgen.images.art import icon_png
from appgen.store import EventStore
from appgen.store.keys import key_id_of
from appgen.store.samples import applied_edit
from tests.e2e.cli_support import appgen
from tests.expo.apps import PROMPTS, edited
from tests.running import publish, recorder, stored

pytestmark = pytest.mark.integration

EDITED = edited()


@pytest.fixture
async def gateway(
    bus: EventBus, nats_settings: NatsSettings, database_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, str, EventStore]]:
    settings = Settings(nats_url=nats_settings.nats_url, database_url=database_url, gateway_port=0)
    store = await EventStore.open(database_url)
    key = await create_key(database_url)
    try:
        async with (
            recorder(nats_settings, database_url),
            serve_gateway(settings) as url,
            httpx.AsyncClient(base_url=url, timeout=30, headers=bearer(key)) as http,
        ):
            yield http, key, store
    finally:
        await store.close()


def history(project_id: str, owner: str | None) -> tuple[list[Event], bytes]:
    """A generated todo app with its icon, then the edit "add a photo to tasks" as version 2."""
    first = analyze(PROMPTS["todo"])
    icon = icon_png(first, 1024)
    events: list[Event] = [
        ProjectRequested(project_id=project_id, prompt=PROMPTS["todo"], owner=owner),
        AnalysisCompleted(project_id=project_id, spec=first),
        ImageGenerated(
            project_id=project_id,
            name="icon",
            purpose="icon",
            index=0,
            total=1,
            files=(FileWrite.of_blob(icon_png_path(1024), icon, "image/png"),),
        ),
        ProjectCompleted(project_id=project_id),
        *applied_edit(project_id, first, EDITED, "add a photo to tasks", edit_id="0" * 32),
    ]
    return events, icon


def unzip(data: bytes, project_id: str) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert all(n.startswith(f"{project_id}/") for n in names)
        return {n.removeprefix(f"{project_id}/"): archive.read(n) for n in names}


async def test_the_expo_export_is_the_version_asked_for(
    gateway: tuple[httpx.AsyncClient, str, EventStore], bus: EventBus, tmp_path: Path
) -> None:
    http, key, store = gateway
    project_id = new_project_id()
    events, icon = history(project_id, key_id_of(key))
    blobs = await BlobStore.open(bus)
    await blobs.put(icon)
    positions = await publish(bus, events)
    await stored(store, project_id, len(events))
    url = f"/api/v1/projects/{project_id}/export"

    now = await http.get(url, params={"format": "expo"})
    assert now.status_code == 200, now.text
    assert now.headers["content-type"] == "application/zip"
    assert f'filename="{project_id}-expo.zip"' in now.headers["content-disposition"]
    files = unzip(now.content, project_id)
    for path in ("package.json", "app.json", "tsconfig.json", "README.md", "app/_layout.tsx"):
        assert path in files
    assert '"photo"' in files["src/spec.ts"].decode()
    picture = Image.open(io.BytesIO(files["assets/icon.png"]))
    assert picture.size == (1024, 1024)
    assert picture.tobytes() == Image.open(io.BytesIO(icon)).tobytes()

    completed = positions[3]
    before = await http.get(url, params={"format": "expo", "at": completed})
    assert before.status_code == 200
    assert '"photo"' not in unzip(before.content, project_id)["src/spec.ts"].decode()

    too_early = await http.get(url, params={"format": "expo", "at": positions[0]})
    assert too_early.status_code == 409
    assert "no app spec yet" in too_early.json()["detail"]
    missing = await http.get(f"/api/v1/projects/{new_project_id()}/export?format=expo")
    assert missing.status_code == 404
    wrong = await http.get(url, params={"format": "apk"})
    assert wrong.status_code == 422

    origin = str(http.base_url).rstrip("/")
    out = tmp_path / "expo"
    ran = await appgen(origin, key, "export", project_id, "--format", "expo", "--out", str(out))
    assert ran.code == 0, ran.err
    assert "npx expo start" in ran.out
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert written == set(files)
    assert (out / "app.json").read_bytes() == files["app.json"]

    early = tmp_path / "early"
    ran = await appgen(
        origin,
        key,
        "export",
        project_id,
        "--format",
        "expo",
        "--at",
        str(completed),
        "--out",
        str(early),
    )
    assert ran.code == 0, ran.err
    assert '"photo"' not in (early / "src/spec.ts").read_text()

    web = tmp_path / "web"
    ran = await appgen(origin, key, "export", project_id, "--out", str(web))
    assert ran.code == 0, ran.err
    assert (web / icon_png_path(1024)).read_bytes() == icon

    bad = await appgen(origin, key, "export", project_id, "--format", "apk", "--out", str(web))
    assert bad.code == 2
    assert "--format must be web or expo" in bad.err
    unknown = await appgen(origin, key, "export", "nope", "--format", "expo", "--out", str(web))
    assert unknown.code == 1
    assert "nope" in unknown.err
