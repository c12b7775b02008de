"""Changing an app by talking to it, in Chromium against a real gateway and the real pipeline.

On the page: once the app is generated, a person types a change under the preview; the
conversation shows it waiting, then applied as version 2 with what changed, the open preview
frame reloads with it, the scrubber marks each version; Restore makes version 1 again as version
3; an unclear prompt is rejected with the reason; an empty one is refused before it is sent; a
reload rebuilds the conversation without duplicate screens or disturbed stage indicators.

In the app itself (opened at its preview URL, where its records are kept in localStorage): a
record entered before an edit is still listed after it, with the new field in its form, and after
the list is renamed.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Error, FrameLocator, Page, Route, expect

from appgen.gateway import Settings
from appgen.gateway.testing import bearer, serve_gateway, write_local_key
from appgen.spec import AppSpec
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, WatchedPage, page_on
from tests.browser.test_generated_apps import create_record, go, ready
from tests.browser.test_page import stage
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.browser

PROMPT = "A task manager for my team: tasks with notes"
TIMEOUT_MS = 30_000
HOSTILE_EDIT = '<img src=x onerror="document.title=1"> add <b>bold</b>'


@asynccontextmanager
async def gateway(
    nats_url: str, database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    """The pipeline and a gateway whose page signs in with the local key; yields its origin and
    an HTTP client with that key."""
    key_file = await write_local_key(database_url, tmp_path)
    settings = Settings(
        nats_url=nats_url, database_url=database_url, gateway_port=0, local_key_file=key_file
    )
    async with (
        running_pipeline(nats_url, database_url),
        serve_gateway(settings) as origin,
        httpx.AsyncClient(
            base_url=origin, timeout=30, headers=bearer(key_file.read_text().strip())
        ) as http,
    ):
        yield origin, http


async def screenshots(page: Page, name: str) -> None:
    """Phone and desktop, light and dark, of the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        await page.emulate_media(color_scheme=scheme)
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            await page.set_viewport_size(viewport)
            path = SCREENSHOTS / f"{name}-{scheme}-{size}.png"
            await page.screenshot(path=str(path), full_page=True)
    await page.emulate_media(color_scheme="light")
    await page.set_viewport_size(DESKTOP)


async def state_of(http: httpx.AsyncClient, project_id: str) -> dict[str, Any]:
    answer = await http.get(f"/api/v1/projects/{project_id}")
    answer.raise_for_status()
    state: dict[str, Any] = answer.json()
    return state


async def until(http: httpx.AsyncClient, project_id: str, done: Any) -> dict[str, Any]:
    """The project's state, once `done(state)` holds."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        state = await state_of(http, project_id)
        if done(state):
            return state
        assert time.monotonic() < deadline, f"timed out; the project is {state}"
        await asyncio.sleep(0.1)


def edit_settled(edit_id: str) -> Any:
    def check(state: dict[str, Any]) -> bool:
        edit = next((e for e in state["edits"] if e["edit_id"] == edit_id), None)
        return edit is not None and edit["status"] in ("applied", "rejected")

    return check


async def live_since(root: Page | FrameLocator) -> int:
    """The position the open preview's HTML was served at (its live-reload script's `since`)."""
    src = await root.locator('script[src*="__live.js"]').get_attribute("src", timeout=2_000)
    assert src is not None
    return int(parse_qs(urlsplit(src).query)["since"][0])


async def served_since(root: Page | FrameLocator, position: int) -> None:
    """Wait until the preview shows HTML served at `position` or later: the app as it was then.

    Nothing but the preview's own live-reload makes it load again, so this is that reload."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    since = -1
    while since < position:
        assert time.monotonic() < deadline, f"the preview stayed at {since}, not {position}"
        try:
            since = await live_since(root)
        except Error:
            since = -1  # between two documents
        await asyncio.sleep(0.1)


def turn(page: Page, prompt: str) -> Any:
    """The conversation's entry for `prompt` (exactly)."""
    exact = re.compile(f"^{re.escape(prompt)}$")
    return page.locator("#conversation .turn").filter(
        has=page.locator(".turn-prompt", has_text=exact)
    )


async def test_change_restore_and_refuse_on_the_page(
    browser: Browser, nats_url: str, database_url: str, tmp_path: Path
) -> None:
    errors: list[str] = []
    async with (
        gateway(nats_url, database_url, tmp_path) as (origin, http),
        page_on(browser, errors, ignore=("/ws/",)) as page,
    ):
        await page.goto(f"{origin}/")
        await page.get_by_label("Describe your app").fill(PROMPT)
        await page.get_by_label("Describe your app").press("Control+Enter")
        await expect(stage(page, "complete")).to_have_attribute(
            "data-status", "done", timeout=TIMEOUT_MS
        )
        project_id = page.url.rsplit("/p/", 1)[1]
        generated = await state_of(http, project_id)
        screens = len(generated["screens"])
        await expect(page.locator("#screens .badge")).to_have_count(screens)
        await expect(page.locator("#connection")).to_contain_text("Finished")

        # The first generation is version 1, with its prompt; the box is there to change it.
        first = turn(page, PROMPT)
        await expect(first).to_contain_text("Generated as version 1")
        await expect(first.locator(".turn-current")).to_have_text("current")
        await expect(first.get_by_role("button")).to_have_count(0)
        await expect(page.locator("#version-marks .version-mark")).to_have_text(["v1"])

        # The open frame shows the task form without a photo, at the newest position.
        frame = page.frame_locator("#frame")
        await expect(frame.locator("nav.tabbar")).to_be_visible(timeout=TIMEOUT_MS)
        handle = await page.locator("#frame").element_handle()
        assert handle is not None
        content = await handle.content_frame()
        assert content is not None
        await served_since(frame, generated["last_position"])
        await content.evaluate("location.hash = '#/tasks/new'")
        await expect(frame.locator('.form-field[data-field="title"]')).to_be_visible()
        await expect(frame.locator('.form-field[data-field="photo"]')).to_have_count(0)

        # A change, typed and sent with Enter; the box is disabled while it is on its way.
        box = page.get_by_label("Change something")
        send = page.locator("#edit-go")
        held = asyncio.Event()

        async def hold(route: Route) -> None:
            await held.wait()
            await route.continue_()

        await page.route("**/api/v1/projects/*/edits", hold)
        await box.fill("add a photo to tasks")
        await box.press("Enter")
        await expect(box).to_be_disabled()
        await expect(send).to_have_text("Sending…")
        held.set()
        added = turn(page, "add a photo to tasks")
        await expect(added).to_have_attribute("data-status", "applied", timeout=TIMEOUT_MS)
        await page.unroute("**/api/v1/projects/*/edits")
        await expect(box).to_be_enabled()
        await expect(box).to_have_value("")
        await expect(added.locator(".turn-status")).to_contain_text("Applied as version 2")
        await expect(added.locator(".turn-changes li")).to_have_text(
            ["Added field Photo (image) to Task"]
        )
        await expect(first.get_by_role("button", name="Restore version 1")).to_be_visible()
        await expect(page.locator("#version-marks .version-mark")).to_have_text(["v1", "v2"])
        two = await state_of(http, project_id)
        assert two["version"] == 2
        marks = page.locator("#version-marks .version-mark")
        await expect(marks.nth(1)).to_have_attribute(
            "data-position", str(two["versions"][1]["position"])
        )

        # The frame reloaded by itself with version 2: the form has the photo now.
        await served_since(frame, two["versions"][1]["position"])
        await expect(frame.locator('.form-field[data-field="photo"]')).to_be_visible(
            timeout=TIMEOUT_MS
        )
        # Edits are not steps of the generation: the same screens, the stages as they were.
        await expect(page.locator("#screens .badge")).to_have_count(screens)
        await expect(stage(page, "complete")).to_have_attribute("data-status", "done")
        await expect(stage(page, "adding_screens")).to_have_attribute("data-status", "done")
        await expect(page.locator("#stage-line")).to_have_text("Complete")
        await expect(page.locator("#bar")).to_have_attribute("aria-valuenow", "100")
        await screenshots(page, "edits-applied")

        # Restore version 1: a new version 3 equal to it; the frame follows.
        await first.get_by_role("button", name="Restore version 1").click()
        restored = turn(page, "Restore version 1")
        await expect(restored).to_have_attribute("data-status", "applied", timeout=TIMEOUT_MS)
        await expect(restored.locator(".turn-status")).to_contain_text(
            "Applied as version 3 (version 1 again)"
        )
        await expect(restored.locator(".turn-current")).to_have_text("current")
        await expect(added.get_by_role("button", name="Restore version 2")).to_be_visible()
        await expect(page.locator("#version-marks .version-mark")).to_have_text(["v1", "v2", "v3"])
        three = await state_of(http, project_id)
        assert three["version"] == 3
        await served_since(frame, three["versions"][2]["position"])
        await expect(frame.locator('.form-field[data-field="title"]')).to_be_visible()
        await expect(frame.locator('.form-field[data-field="photo"]')).to_have_count(0)

        # A mark on the scrubber shows the app as that version was.
        await marks.nth(1).click()
        await expect(page.locator("#frame")).to_have_attribute(
            "data-position", str(two["versions"][1]["position"])
        )
        await expect(page.locator("#scrub-label")).to_contain_text("version 2")
        await page.get_by_role("button", name="Back to live").click()
        await expect(page.locator("#frame")).to_have_attribute("data-position", "live")

        # Unclear: rejected, with the reason; nothing changes.
        await box.fill("qwerty zxcv")
        await send.click()
        unclear = turn(page, "qwerty zxcv")
        await expect(unclear).to_have_attribute("data-status", "rejected", timeout=TIMEOUT_MS)
        await expect(unclear.locator(".turn-reason")).to_contain_text("did not understand")
        await expect(unclear.get_by_role("button")).to_have_count(0)

        # Empty: refused on the page, never sent. Too short: the server's reason, in words.
        turns = await page.locator("#conversation .turn").count()
        await box.fill("   ")
        await send.click()
        await expect(page.locator("#edit-error")).to_contain_text("Type what to change first")
        await expect(box).to_be_focused()
        await expect(box).to_have_attribute("aria-invalid", "true")
        await box.fill("x")
        await box.press("Enter")
        await expect(page.locator("#edit-error")).to_contain_text("That prompt can't be used")
        await expect(page.locator("#conversation .turn")).to_have_count(turns)
        await screenshots(page, "edits-refused")

        # Hostile text is a prompt like any other: shown as typed, never as markup.
        await box.fill(HOSTILE_EDIT)
        await box.press("Enter")
        await expect(page.locator("#edit-error")).to_be_hidden()
        hostile = page.locator("#conversation .turn").last
        await expect(hostile.locator(".turn-prompt")).to_have_text(HOSTILE_EDIT)
        await expect(hostile).to_have_attribute("data-status", "rejected", timeout=TIMEOUT_MS)
        assert await page.locator("#conversation img, #conversation b").count() == 0

        # A reload rebuilds the conversation from the project's state and its events.
        await page.reload()
        await expect(page.locator("#conversation .turn")).to_have_count(turns + 1)
        statuses = await page.locator("#conversation .turn").evaluate_all(
            "items => items.map(item => item.dataset.status)"
        )
        assert statuses == ["applied", "applied", "applied", "rejected", "rejected"]
        await expect(turn(page, "Restore version 1").locator(".turn-current")).to_have_text(
            "current"
        )
        await expect(page.locator("#version-marks .version-mark")).to_have_text(
            ["v1", "v2", "v3"], timeout=TIMEOUT_MS
        )
        final = await state_of(http, project_id)
        await expect(page.locator("#log > li")).to_have_count(final["event_count"])
        await expect(page.locator("#screens .badge")).to_have_count(screens)
        await expect(stage(page, "complete")).to_have_attribute("data-status", "done")
        await expect(page.locator("#stage-line")).to_have_text("Complete")
        await expect(page.get_by_label("Change something")).to_be_enabled()
        await screenshots(page, "edits-reloaded")
    # Chromium logs the refused request itself; nothing else may be logged.
    assert [e for e in errors if not ("status of 422" in e and e.endswith("/edits)"))] == []


async def test_records_survive_edits_in_the_open_app(
    watched: WatchedPage, nats_url: str, database_url: str, tmp_path: Path
) -> None:
    page = watched.page
    page.set_default_timeout(TIMEOUT_MS)
    async with gateway(nats_url, database_url, tmp_path) as (origin, http):
        created = await http.post("/api/v1/projects", json={"prompt": PROMPT})
        project_id = created.json()["project_id"]
        state = await until(http, project_id, lambda s: s["status"] == "complete")
        spec_view = (await http.get(f"/api/v1/projects/{project_id}/spec")).json()
        spec = AppSpec.model_validate(spec_view["spec"])

        # Top level, the app keeps its records in this origin's localStorage.
        preview = urlsplit(state["links"]["preview_url"]).path
        await page.goto(f"{origin}{preview}")
        await ready(page)
        await served_since(page, state["last_position"])
        await create_record(page, spec, spec.entity("task"), "Buy milk")
        await go(page, "#/tasks")
        listed = page.locator(".list-body .record-title", has_text="Buy milk")
        await expect(listed).to_have_count(1)

        async def change(prompt: str) -> dict[str, Any]:
            answer = await http.post(
                f"/api/v1/projects/{project_id}/edits", json={"prompt": prompt}
            )
            assert answer.status_code == 202, answer.text
            edit_id = answer.json()["edit_id"]
            state = await until(http, project_id, edit_settled(edit_id))
            version = next(v for v in state["versions"] if v["edit_id"] == edit_id)
            # The open app reloads by itself once the edit is applied.
            await served_since(page, version["position"])
            await ready(page)
            return state

        await change("add a photo to tasks")
        await expect(page.locator("main")).to_have_attribute("data-hash", "#/tasks")
        await expect(listed).to_have_count(1)
        await go(page, "#/tasks/new")
        photo = page.locator('.form-field[data-field="photo"]')
        await expect(photo.locator("input[type=file]")).to_have_count(1)
        await expect(photo.locator("img.photo-preview")).to_be_hidden()
        # The record's own form has the new field too, still empty.
        await go(page, "#/tasks")
        await listed.click()
        await expect(page.locator(".detail-title")).to_have_text("Buy milk")
        await page.locator(".detail-actions a").click()
        await expect(page.locator('.form-field[data-field="title"] input')).to_have_value(
            "Buy milk"
        )
        await expect(photo.locator("input[type=file]")).to_have_count(1)
        await expect(photo.locator("img.photo-preview")).to_be_hidden()

        renamed = await change("rename tasks to todos")
        assert renamed["version"] == 3
        await go(page, "#/tasks")
        await expect(page.locator(".appbar-title")).to_have_text("Todos")
        await expect(listed).to_have_count(1)
        await listed.click()
        await expect(page.locator(".detail-title")).to_have_text("Buy milk")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "edits-record-kept-phone.png"))
        # Away from the app before the gateway stops, so its reload stream ends with the page.
        await page.goto("about:blank")
    # Nothing missing, not even the renamed list's illustration (drawn under its first name).
    assert watched.problems() == []
