"""Each app's Expo project, as exported, builds and works: it type-checks with `tsc --noEmit`,
`expo export --platform web` bundles it, and the bundle, served locally and opened in Chromium at
phone size, shows every tab screen's title, keeps a record created through its form across a
reload, and logs no console error. Seven apps: five prompts, a hostile one, one after an edit."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import pytest
from playwright.async_api import Page

from appgen.render import render_expo
from appgen.render.expo_toolchain import export_web, typecheck, workspace
from appgen.spec import AppSpec, Entity, EntityField, FieldType, ScreenKind
from tests.browser.conftest import WatchedPage
from tests.expo.apps import HOSTILE_LABEL, HOSTILE_NAME, HOSTILE_TAB, apps
from tests.expo.conftest import serve

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

APPS = apps()
WAIT_MS = 15_000
FILLERS = {
    FieldType.number: "3",
    FieldType.money: "12.5",
    FieldType.date: "2026-01-02",
    FieldType.datetime: "2026-01-02 09:30",
    FieldType.email: "someone@example.com",
    FieldType.phone: "+1 555 0100",
    FieldType.url: "https://example.com",
    FieldType.image: "https://example.com/a.png",
}


async def shown(page: Page, text: str) -> bool:
    """Whether some element whose whole text is `text` is visible."""
    matches = page.get_by_text(text, exact=True)
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        for i in range(await matches.count()):
            if await matches.nth(i).is_visible():
                return True
        await asyncio.sleep(0.1)
    return False


def creatable(spec: AppSpec) -> tuple[str, Entity]:
    """A tab list screen whose records need no other record (no required reference)."""
    for screen in spec.tab_bar:
        if screen.kind is ScreenKind.list and screen.entity:
            entity = spec.entity(screen.entity)
            if not any(f.required and f.type is FieldType.reference for f in entity.fields):
                return screen.route, entity
    raise AssertionError(f"{spec.slug} has no tab list to add a record to")


async def fill(page: Page, field: EntityField, value: str) -> None:
    if field.type is FieldType.choice:
        await page.get_by_text(field.choices[0], exact=True).first.click()
    elif field.type is FieldType.rating:
        await page.get_by_label("4 stars", exact=True).click()
    elif field.type is FieldType.boolean:
        return
    else:
        await page.get_by_label(field.label, exact=True).fill(value)


async def add_record(page: Page, base: str, route: str, entity: Entity) -> str:
    title = f"Record {uuid.uuid4().hex[:6]}"
    await page.goto(f"{base}/{route}")
    await page.get_by_test_id("new-record").click()
    await page.get_by_test_id("save-record").wait_for(timeout=WAIT_MS)
    for field in entity.fields:
        if field.name == entity.title_field:
            await fill(page, field, title)
        elif field.required:
            await fill(page, field, FILLERS.get(field.type, "Something"))
    await page.get_by_test_id("save-record").click()
    assert await shown(page, title), f"the new {entity.name} is not shown after saving"
    return title


@pytest.mark.parametrize("name", list(APPS))
async def test_the_expo_project_builds_and_works(
    name: str, expo_tree: Path, phone: WatchedPage, tmp_path: Path
) -> None:
    spec = APPS[name]
    dist = tmp_path / "dist"
    with workspace(expo_tree, render_expo(spec).contents()) as project:
        checked = await asyncio.to_thread(typecheck, project)
        assert checked.returncode == 0, f"tsc --noEmit failed:\n{checked.tail()}"
        built = await asyncio.to_thread(export_web, project, dist)
        assert built.returncode == 0, f"expo export failed:\n{built.tail()}"
    assert (dist / "index.html").is_file()
    print(f"\n{name}: tsc {checked.seconds:.1f} s, expo export {built.seconds:.1f} s")

    page = phone.page
    with serve(dist) as base:
        await page.goto(f"{base}/")
        await page.wait_for_url(f"{base}/{spec.home}", timeout=WAIT_MS)
        for screen in spec.tab_bar:
            assert await shown(page, screen.title), f"tab {screen.route!r}: no {screen.title!r}"

        route, entity = creatable(spec)
        title = await add_record(page, base, route, entity)
        await page.reload()
        assert await shown(page, title), "the record is gone after a reload"
        stored = await page.evaluate(
            "key => localStorage.getItem(key)", f"appgen:{spec.slug}:records:{entity.storage_key}"
        )
        assert stored is not None
        assert title in stored
        await page.goto(f"{base}/{route}")
        assert await shown(page, title), "the record is not in its list after a reload"

        if name == "hostile":
            await page.goto(f"{base}/{spec.home}")
            assert await shown(page, HOSTILE_NAME)
            assert await shown(page, HOSTILE_TAB)
            assert HOSTILE_LABEL not in await page.content()  # escaped by React, never markup
    assert phone.problems() == []
