"""The gateway's web page in Chromium against a real gateway and the real pipeline.

A person types a prompt and presses Generate; the stages advance, the preview frame shows the app,
the QR code is there. The images stage is held back so that, deterministically mid-generation,
the page is reloaded (it resumes from its history without duplicate badges) and the gateway is
restarted under it (the page says it lost the connection and resumes from its last position).
Then images are released, the project completes, and the scrubber shows the app as it was.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from appgen.gateway import Settings
from appgen.gateway.testing import bearer, serve_gateway, write_local_key
from appgen.stack.ports import free_port
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, page_on
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.browser

PROMPT = "A plant watering tracker with reminders"
TIMEOUT_MS = 30_000
# Everything but images: the project stops short of completion until images run.
WITHOUT_IMAGES = {"images": 0}
ONLY_IMAGES = {"analyzer": 0, "scaffolder": 0, "screens": 0, "finisher": 0, "images": 1}


async def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def screenshots(page: Page, name: str) -> None:
    await page.set_viewport_size(PHONE)
    await shot(page, f"{name}-phone")
    await page.set_viewport_size(DESKTOP)
    await shot(page, f"{name}-desktop")


def stage(page: Page, name: str) -> Any:
    return page.locator(f'#stages [data-stage="{name}"]')


async def events_of(origin: str, project_id: str, key: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=origin, timeout=30, headers=bearer(key)) as http:
        page = await http.get(f"/api/v1/projects/{project_id}/events", params={"limit": 1000})
        page.raise_for_status()
        items: list[dict[str, Any]] = page.json()["items"]
        return items


async def project_of(origin: str, project_id: str, key: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=origin, timeout=30, headers=bearer(key)) as http:
        answer = await http.get(f"/api/v1/projects/{project_id}")
        answer.raise_for_status()
        state: dict[str, Any] = answer.json()
        return state


async def drag_scrubber_to(page: Page, index: int, count: int) -> None:
    """Drag the range's thumb from the live end to the event at `index` with the mouse."""
    await page.locator("#scrub").scroll_into_view_if_needed()
    box = await page.locator("#scrub").bounding_box()
    assert box is not None
    thumb = 8  # half of Chromium's default thumb width: the track's usable ends
    y = box["y"] + box["height"] / 2

    def x_of(i: int) -> float:
        return box["x"] + thumb + (box["width"] - 2 * thumb) * i / (count - 1)

    await page.mouse.move(x_of(count - 1), y)
    await page.mouse.down()
    await page.mouse.move(x_of(index), y, steps=8)
    await page.mouse.up()


async def test_generate_watch_reload_reconnect_and_scrub(
    browser: Browser, nats_url: str, database_url: str, tmp_path: Path
) -> None:
    key_file = await write_local_key(database_url, tmp_path)
    key = key_file.read_text().strip()
    port = free_port()
    settings = Settings(
        nats_url=nats_url, database_url=database_url, gateway_port=port, local_key_file=key_file
    )
    errors: list[str] = []
    async with (
        running_pipeline(nats_url, database_url, scale=WITHOUT_IMAGES),
        page_on(browser, errors, ignore=("/ws/",)) as page,
    ):
        async with serve_gateway(settings) as origin:
            await page.goto(f"{origin}/")
            await expect(page.locator("#projects-empty")).to_contain_text("No projects yet")
            await page.get_by_label("Describe your app").fill(PROMPT)
            await page.get_by_label("Describe your app").press("Control+Enter")

            # Everything but images runs: every screen lands, the project waits for images.
            await expect(stage(page, "adding_components")).to_have_attribute(
                "data-status", "done", timeout=TIMEOUT_MS
            )
            project_id = page.url.rsplit("/p/", 1)[1]
            screens = [
                e
                for e in await events_of(origin, project_id, key)
                if e["event_type"] == "ScreenAdded"
            ]
            total = screens[0]["data"]["total"]
            badges = page.locator("#screens .badge")
            await expect(badges).to_have_count(total, timeout=TIMEOUT_MS)
            await expect(stage(page, "complete")).to_have_attribute("data-status", "pending")
            await expect(stage(page, "generating_images")).to_have_attribute(
                "data-status", "pending"
            )
            frame = page.frame_locator("#frame")
            await expect(frame.locator("nav.tabbar")).to_be_visible(timeout=TIMEOUT_MS)
            await screenshots(page, "page-waiting-for-images")

            # A reload mid-generation resumes from the history: each screen once.
            await page.reload()
            await expect(page.locator("#connection")).to_have_text(
                "Live: following the generation.", timeout=TIMEOUT_MS
            )
            await expect(badges).to_have_count(total, timeout=TIMEOUT_MS)
            await expect(page.locator("#project-prompt")).to_have_text(PROMPT)
            titles = await badges.all_inner_texts()
            assert titles == [s["data"]["title"] for s in screens]

        # The gateway goes away under the open page, and comes back on the same address.
        await expect(page.locator("#connection")).to_contain_text(
            "Connection lost. Reconnecting from position", timeout=TIMEOUT_MS
        )
        async with serve_gateway(settings) as origin_again:
            assert origin_again == origin
            await expect(page.locator("#connection")).to_contain_text(
                "Reconnected: resumed after position", timeout=TIMEOUT_MS
            )
            # Images run now; the project completes on the reconnected socket.
            async with running_pipeline(nats_url, database_url, scale=ONLY_IMAGES, record=False):
                await expect(stage(page, "complete")).to_have_attribute(
                    "data-status", "done", timeout=TIMEOUT_MS
                )
            events = await events_of(origin, project_id, key)
            images = [e for e in events if e["event_type"] == "ImageGenerated"]
            assert images
            await expect(page.locator("#images .badge")).to_have_count(len(images))
            await expect(badges).to_have_count(total)
            # Every event once in the log, through a reload and a reconnect.
            await expect(page.locator("#log > li")).to_have_count(len(events))
            for name in ("queued", "analyzing", "preview_ready", "adding_screens", "finalizing"):
                await expect(stage(page, name)).to_have_attribute("data-status", "done")
            await expect(stage(page, "complete").locator(".stage-time")).not_to_be_empty()
            await expect(page.locator("#bar")).to_have_attribute("aria-valuenow", "100")
            await expect(page.locator("#usage")).to_be_hidden()  # no model calls without an LLM

            # The live frame shows the finished app: every screen, none still being generated.
            await expect(page.locator("#frame")).to_have_attribute("data-position", "live")
            first_tab = frame.locator(
                f'nav.tabbar .tab[data-route="{screens[0]["data"]["route"]}"]'
            )
            await first_tab.click()
            await expect(frame.locator(".screen:not(.placeholder)").first).to_be_visible(
                timeout=TIMEOUT_MS
            )
            await expect(frame.locator(".placeholder")).to_have_count(0)
            qr = page.locator("#qr")
            await expect(qr).to_have_attribute("src", re.compile(r"^blob:"))
            assert await qr.evaluate("img => img.complete && img.naturalWidth > 0")
            link = urlsplit(
                (await project_of(origin, project_id, key))["links"]["preview_url"]
            ).path
            await expect(page.locator("#open")).to_have_attribute("href", link)
            await screenshots(page, "page-complete")

            # The same app as an Expo project, from the button beside the web download.
            async with page.expect_download() as downloading:
                await page.get_by_role("button", name="Download Expo project").click()
            download = await downloading.value
            assert download.suggested_filename == f"{project_id}-expo.zip"
            with zipfile.ZipFile(await download.path()) as archive:
                assert f"{project_id}/package.json" in archive.namelist()
                assert f"{project_id}/app/_layout.tsx" in archive.namelist()

            # Back in time: between the first preview and the first screen, screens are
            # still placeholders.
            first_page = next(
                i for i, e in enumerate(events) if "index.html" in e["data"].get("files", [])
            )
            first_screen = next(i for i, e in enumerate(events) if e["event_type"] == "ScreenAdded")
            assert first_page < first_screen
            target = (first_page + first_screen - 1) // 2
            await drag_scrubber_to(page, target, len(events))
            index = int(await page.locator("#scrub").input_value())
            assert first_page <= index < first_screen, (first_page, index, first_screen)
            pinned = events[index]["position"]
            await expect(page.locator("#frame")).to_have_attribute("data-position", str(pinned))
            await expect(page.locator("#frame")).to_have_attribute("src", f"{link}@{pinned}/")
            first_tab = frame.locator(
                f'nav.tabbar .tab[data-route="{screens[0]["data"]["route"]}"]'
            )
            await first_tab.click()
            await expect(frame.locator(".placeholder")).to_be_visible(timeout=TIMEOUT_MS)
            await expect(page.locator("#scrub-label")).to_contain_text(
                f"Event {index + 1} of {len(events)}"
            )
            await screenshots(page, "page-scrubbed-back")

            # Before the first file there was no app: the frame says so.
            await page.locator("#scrub").focus()
            await page.keyboard.press("Home")
            await expect(page.locator("#frame")).to_be_hidden()
            await expect(page.locator("#frame-empty")).to_contain_text("no app yet")
            # And back to live.
            await page.get_by_role("button", name="Back to live").click()
            await expect(page.locator("#frame")).to_have_attribute("data-position", "live")
            await first_tab.click()
            await expect(frame.locator(".screen:not(.placeholder)").first).to_be_visible(
                timeout=TIMEOUT_MS
            )
            await expect(frame.locator(".placeholder")).to_have_count(0)

            # The project is listed, and reopening it from the list streams its history.
            row = page.locator(f'#projects [data-project="{project_id}"] a')
            await expect(row.locator(".status")).to_have_text("complete", timeout=TIMEOUT_MS)
            await page.goto(f"{origin}/")
            await expect(page.locator("#project")).to_be_hidden()
            await row.click()
            await expect(page).to_have_url(f"{origin}/#/p/{project_id}")
            await expect(page.locator("#log > li")).to_have_count(len(events), timeout=TIMEOUT_MS)
            await expect(page.locator("#screens .badge")).to_have_count(total)
            # Closed while the gateway runs: its open streams end with the page, not the server.
            await page.context.close()
    assert errors == []


async def test_errors_are_words_with_a_retry(
    browser: Browser, nats_url: str, database_url: str, tmp_path: Path
) -> None:
    key_file = await write_local_key(database_url, tmp_path)
    settings = Settings(
        nats_url=nats_url, database_url=database_url, gateway_port=0, local_key_file=key_file
    )
    errors: list[str] = []
    async with (
        serve_gateway(settings) as origin,
        page_on(browser, errors, ignore=("/ws/",)) as page,
    ):
        await page.goto(f"{origin}/")
        prompt = page.get_by_label("Describe your app")

        # Checked before sending.
        await prompt.fill("  a ")
        await page.get_by_role("button", name="Generate").click()
        await expect(page.get_by_role("alert")).to_contain_text("at least 3 characters")

        # Refused by the gateway: its reason, in words.
        # Longer than the textarea's maxlength lets a person type: set it directly.
        await prompt.evaluate("(el) => { el.value = 'x'.repeat(4001); }")
        await page.get_by_role("button", name="Generate").click()
        await expect(page.get_by_role("alert")).to_contain_text("That prompt can't be used")
        await expect(page.locator("#retry")).to_be_hidden()

        # An address naming no project.
        await page.goto(f"{origin}/#/p/no-such-project")
        await expect(page.get_by_role("alert")).to_contain_text("no project at this address")

        # A chip fills the prompt; with the server gone, the page says so and offers a retry.
        await page.goto(f"{origin}/")
        await page.get_by_role("button", name="Simple: a todo list").click()
        await expect(prompt).to_have_value("Create a todo list app")
        await page.route("**/api/v1/projects", lambda route: route.abort())
        await page.get_by_role("button", name="Generate").click()
        await expect(page.get_by_role("alert")).to_contain_text("Can't reach the appgen server")
        await expect(page.locator("#retry")).to_be_visible()
        await shot(page, "page-error-desktop")
    # The refused and aborted requests are logged by Chromium itself; nothing else may be.
    assert [e for e in errors if "Failed to load resource" not in e] == []
