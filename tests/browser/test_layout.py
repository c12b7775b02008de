"""The page's layouts in Chromium at phone, tablet and desktop sizes, with earlier projects whose
names and prompts are long: nothing reaches past the window or out of its card, and each row's
name, status and prompt keep a width. Screenshots: test-artifacts/screenshots/layout-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from appgen.events import (
    Event,
    EventBus,
    NatsSettings,
    ProjectCreated,
    ProjectRequested,
    new_project_id,
)
from appgen.gateway import Settings
from appgen.gateway.testing import serve_gateway, write_local_key
from appgen.stack.ports import free_port
from appgen.store import EventStore
from appgen.store.keys import key_id_of
from appgen.store.samples import sample_history
from tests.browser.conftest import SCREENSHOTS, page_on
from tests.running import publish, recorder, wait_for_mark

pytestmark = pytest.mark.browser

SIZES = {
    "phone": ViewportSize(width=390, height=844),
    "tablet": ViewportSize(width=820, height=1180),
    "laptop": ViewportSize(width=1400, height=950),
    "desktop": ViewportSize(width=1440, height=900),
    "wide": ViewportSize(width=1920, height=1080),
}
LONG_NAME = "Supercalifragilisticexpialidocious" * 3 + " Planner"
LONG_PROMPT = (
    "A household planner for a big family with chores, rotas, shopping lists, meal plans, "
    "birthdays, school runs and pocket money, "
    * 8
    + "https://example.com/"
    + "a-very-long-unbroken-path-segment-" * 4
)
UNNAMED_PROMPT = "Ahouseholdplannerwithoutasinglespace" * 4
TIMEOUT_MS = 30_000

# Every element of the main columns and of each earlier project's row that is drawn, with
# where it overflows: past the window's sides, or out of its own card.
OVERFLOWS = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width) {
    found.push(`page: ${document.documentElement.scrollWidth}px wide in ${width}px`);
  }
  const name = (el) => el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${el.className}`;
  for (const el of document.querySelectorAll(".layout > *, .layout > * *")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    // Scrolled or clipped by design: the event log, the conversation, the preview's frame.
    if (el.closest(".visually-hidden, .log, .conversation, .phone")) continue;
    if (box.left < -0.5 || box.right > width + 0.5) {
      found.push(`${name(el)}: ${Math.round(box.left)}..${Math.round(box.right)} in ${width}`);
    }
    const style = getComputedStyle(el);
    // The timeline's version marks centre on the track's ends, half a mark into the card's padding.
    const spills = el.scrollWidth > el.clientWidth + 1 && !el.matches(".scrubber, .version-marks");
    if (style.overflowX === "visible" && el.clientWidth > 0 && spills) {
      found.push(`${name(el)}: its content is ${el.scrollWidth}px wide in ${el.clientWidth}px`);
    }
    const card = el.parentElement && el.parentElement.closest(".card");
    if (card) {
      const outer = card.getBoundingClientRect();
      if (box.left < outer.left - 0.5 || box.right > outer.right + 0.5) {
        found.push(`${name(el)} leaves its card: ${Math.round(box.right)} > ${Math.round(outer.right)}`);
      }
    }
  }
  return found;
}"""

ROWS = """() => [...document.querySelectorAll("#projects .project-row")].map((row) => {
  const part = (selector) => {
    const el = row.querySelector(selector);
    if (!el) return null;
    const box = el.getBoundingClientRect();
    return { width: box.width, height: box.height, scroll: el.scrollWidth, client: el.clientWidth };
  };
  return { name: part(".project-name"), status: part(".status"), prompt: part(".project-prompt") };
})"""


def histories(owner: str) -> tuple[str, list[Event]]:
    """Four earlier projects: complete with a long name and prompt, failed, running, and one
    whose only event is its request (its prompt is its name). Returns the long one's id."""
    long_id = new_project_id()
    events: list[Event] = []
    for event in sample_history(long_id, owner=owner):
        if isinstance(event, ProjectRequested):
            event = event.model_copy(update={"prompt": LONG_PROMPT})
        elif isinstance(event, ProjectCreated):
            event = event.model_copy(update={"name": LONG_NAME})
        events.append(event)
    events += sample_history(owner=owner, fail=True)
    events += sample_history(owner=owner)[:7]
    events.append(ProjectRequested(project_id=new_project_id(), prompt=UNNAMED_PROMPT, owner=owner))
    return long_id, events


async def check(page: Page, name: str) -> None:
    for size, viewport in SIZES.items():
        await page.set_viewport_size(viewport)
        await page.evaluate("() => new Promise(requestAnimationFrame)")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / f"layout-{name}{size}.png"), full_page=True)
        found = await page.evaluate(OVERFLOWS)
        assert found == [], f"{name}{size} {viewport}: {found}"
        rows: list[dict[str, Any]] = await page.evaluate(ROWS)
        assert len(rows) == 4
        for row in rows:
            for part in ("name", "status"):
                assert row[part]["width"] > 20, (size, part, row)
                assert row[part]["height"] > 0, (size, part, row)
            # A name wraps, whole; a prompt is one line, cut with an ellipsis.
            assert row["name"]["scroll"] <= row["name"]["client"] + 1, (size, row)
        prompts = [row["prompt"] for row in rows if row["prompt"]]
        assert prompts
        assert all(p["width"] > 100 and p["height"] > 0 for p in prompts), (size, prompts)


async def test_no_layout_overflows_the_window(
    browser: Browser, bus: EventBus, nats_settings: NatsSettings, database_url: str, tmp_path: Path
) -> None:
    key_file = await write_local_key(database_url, tmp_path)
    owner = key_id_of(key_file.read_text().strip())
    assert owner is not None
    long_id, events = histories(owner)
    store = await EventStore.open(database_url)
    try:
        async with recorder(nats_settings, database_url):
            await publish(bus, events)
            await wait_for_mark(store, len(events))
    finally:
        await store.close()
    settings = Settings(
        nats_url=nats_settings.nats_url,
        database_url=database_url,
        gateway_port=free_port(),
        local_key_file=key_file,
    )
    errors: list[str] = []
    async with serve_gateway(settings) as origin, page_on(browser, errors) as page:
        await page.goto(f"{origin}/")
        await expect(page.locator("#projects .project-row")).to_have_count(4, timeout=TIMEOUT_MS)
        await check(page, "")
        await page.goto(f"{origin}/#/p/{long_id}")
        await expect(page.locator("#project-prompt")).to_have_text(
            LONG_PROMPT.strip(), timeout=TIMEOUT_MS
        )
        await check(page, "open-")
