"""Generated web apps, driven in Chromium under the preview's Content-Security-Policy.

For many prompts: the app loads cleanly, every screen opens, and a record goes through its
whole life (create, edit, survive a reload, be found by search, be deleted after confirming).
Also: the app works at each stage of arrival, and hostile text in a prompt stays text.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from appgen.analyzer.rules import analyze
from appgen.render import (
    render_app,
    render_base,
    render_components,
    render_preview_setup,
    render_screen,
)
from appgen.render.samples import HOSTILE, hostile, kitchen_sink
from appgen.spec import AppSpec, Entity, FieldType
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, AppSite, WatchedPage

pytestmark = pytest.mark.browser

PROMPTS = [
    "Create a todo list app",
    "a plant watering tracker with reminders",
    "a budget app with charts to track my spending",
    "a recipe book with ratings and photos",
    "a habit tracker with daily streaks",
    "a workout log for my gym sessions",
    "a reading list for books with notes",
    "an event planner with guests and RSVPs",
    "a notes app with tags",
    "a small shop inventory with products and suppliers",
    "a dog walking business: clients, dogs and walks",
]
TIMEOUT_MS = 10_000


# Stand-ins for the images service's files, so a fully generated app requests nothing missing.
def _png(size: int, rgb: tuple[int, int, int]) -> bytes:
    row = b"\x00" + bytes(rgb) * size
    body = zlib.compress(row * size)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def _svg(colour: str, glyph: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" rx="22" fill="{colour}"/>'
        f'<text x="50" y="66" font-size="50" text-anchor="middle">{glyph}</text></svg>'
    ).encode()


def write_images(site: AppSite, spec: AppSpec) -> None:
    colour = spec.theme.primary
    rgb = (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
    site.write_bytes("assets/icon.svg", _svg(colour, "★"))
    site.write_bytes("assets/splash.svg", _svg(colour, "★"))
    site.write_bytes("assets/icon-192.png", _png(192, rgb))
    site.write_bytes("assets/icon-512.png", _png(512, rgb))
    for entity in spec.entities:
        site.write_bytes(f"assets/illustrations/{entity.name}.svg", _svg(spec.theme.accent, "✿"))


async def go(page: Page, hash_: str) -> None:
    """Navigate by hash and wait until the router has drawn that hash."""
    await page.evaluate("h => { location.hash = h; }", hash_)
    await drawn(page, hash_)


async def drawn(page: Page, hash_: str) -> None:
    """Wait until the router has drawn `hash_` (attribute selectors: no eval under the CSP)."""
    await page.locator(f'main[data-hash="{hash_}"]').wait_for(state="attached")


async def ready(page: Page) -> None:
    await page.locator('html[data-ready="true"]').wait_for(state="attached")


async def open_app(page: Page, site: AppSite) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    await page.goto(site.url)
    await ready(page)


async def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def owner_route(spec: AppSpec, entity: str) -> str | None:
    for kind in ("list", "detail", "form"):
        for screen in spec.screens:
            if screen.kind == kind and screen.entity == entity:
                return screen.route
    return None


SAMPLE_VALUES = {
    FieldType.long_text: "Some longer notes\non two lines",
    FieldType.number: "3",
    FieldType.money: "12.50",
    FieldType.date: "2026-11-20",
    FieldType.datetime: "2026-11-20T10:30",
    FieldType.email: "someone@example.com",
    FieldType.phone: "+1 555 0100",
    FieldType.url: "https://example.com/page",
}


async def fill_form(page: Page, spec: AppSpec, entity: Entity, title: str) -> None:
    """Fill every field of the form on screen from its type alone."""
    for f in entity.fields:
        box = page.locator(f'.form-field[data-field="{f.name}"]')
        if f.name == entity.title_field:
            await box.locator("input, textarea").first.fill(title)
        elif f.type in SAMPLE_VALUES:
            await box.locator("input, textarea").first.fill(SAMPLE_VALUES[f.type])
        elif f.type is FieldType.text:
            await box.locator("input").fill(f"{f.label} value")
        elif f.type is FieldType.boolean:
            await box.locator("input[type=checkbox]").check()
        elif f.type in (FieldType.choice, FieldType.reference):
            select = box.locator("select")
            if await select.locator("option").count() > 1:
                await select.select_option(index=1)
        elif f.type is FieldType.rating:
            await box.locator("label.star").nth(3).click()
        elif f.type is FieldType.image:
            png = _png(24, (200, 80, 40))
            await box.locator("input[type=file]").set_input_files(
                {"name": "photo.png", "mimeType": "image/png", "buffer": png}
            )
            await expect(box.locator("img.photo-preview")).to_be_visible()


async def create_record(page: Page, spec: AppSpec, entity: Entity, title: str) -> str:
    """Create a record through its form (and what it needs first); returns its detail hash."""
    for f in entity.fields:
        if f.type is FieldType.reference and f.required and f.reference not in (None, entity.name):
            assert f.reference is not None
            target = spec.entity(f.reference)
            await create_record(page, spec, target, f"{target.label} for {title}")
    route = owner_route(spec, entity.name)
    assert route is not None
    await go(page, f"#/{route}/new")
    await fill_form(page, spec, entity, title)
    await page.locator("form.form button[type=submit]").click()
    await expect(page.locator(".detail-title")).to_have_text(title)
    return str(await page.evaluate("location.hash"))


async def exercise(watched: WatchedPage, site: AppSite, spec: AppSpec, name: str) -> None:
    """The whole tour of one app; fails on any console error, page error or dialog."""
    page = watched.page
    site.write(render_app(spec))
    write_images(site, spec)
    await open_app(page, site)
    await expect(page.locator(".tab")).to_have_count(len(spec.tab_bar))

    for tab in spec.tab_bar:
        await page.locator(f'.tab[data-route="{tab.route}"]').click()
        await drawn(page, f"#/{tab.route}")
        await expect(page.locator(f'.tab[data-route="{tab.route}"]')).to_have_attribute(
            "aria-current", "page"
        )
        await expect(page.locator(".appbar-title")).to_have_text(tab.title)
    for screen in spec.screens:
        await go(page, f"#/{screen.route}")
        await expect(page.locator("main .placeholder")).to_have_count(0)
        await expect(page.locator("main > .screen")).to_have_count(1)

    listed = next((s for s in spec.screens if s.kind == "list" and s.entity), None)
    assert listed is not None, "every app here has a list"
    assert listed.entity is not None
    entity = spec.entity(listed.entity)
    first, renamed = "Alpha first record", "Beta renamed record"

    detail_hash = await create_record(page, spec, entity, first)
    await shot(page, f"{name}-detail-phone")
    await page.locator(".detail-actions a").click()
    title_input = page.locator(f'.form-field[data-field="{entity.title_field}"]').locator(
        "input, textarea"
    )
    await expect(title_input).to_have_value(first)
    await shot(page, f"{name}-form-phone")
    await title_input.fill(renamed)
    await page.locator("form.form button[type=submit]").click()
    await expect(page.locator(".detail-title")).to_have_text(renamed)

    await page.reload()
    await expect(page.locator(".detail-title")).to_have_text(renamed)
    assert await page.evaluate("location.hash") == detail_hash

    await go(page, f"#/{listed.route}")
    found = page.locator(".list-body .record-title", has_text=renamed)
    await expect(found).to_have_count(1)
    await shot(page, f"{name}-list-phone")
    search = page.locator(".search-input")
    await search.fill("beta RENAMED")
    await expect(found).to_have_count(1)
    await search.fill("no such thing anywhere")
    await expect(found).to_have_count(0)
    await expect(page.locator(".list-body .empty")).to_be_visible()
    await search.fill("")
    await expect(found).to_have_count(1)

    await go(page, f"#/{spec.home}")
    await shot(page, f"{name}-home-phone")
    await page.set_viewport_size(DESKTOP)
    await shot(page, f"{name}-home-desktop")
    await go(page, f"#/{listed.route}")
    await shot(page, f"{name}-list-desktop")
    await page.set_viewport_size(PHONE)

    await page.locator(".list-body a", has_text=renamed).click()
    await expect(page.locator(".detail-title")).to_have_text(renamed)
    await page.get_by_role("button", name="Delete").click()
    dialog = page.locator("dialog[open]")
    await expect(dialog).to_be_visible()
    await dialog.locator("button[value=cancel]").click()
    await expect(dialog).to_have_count(0)
    await expect(page.locator(".detail-title")).to_have_text(renamed)
    await page.get_by_role("button", name="Delete").click()
    await page.locator("dialog[open] button[value=confirm]").click()
    await drawn(page, f"#/{listed.route}")
    await expect(found).to_have_count(0)
    await page.reload()
    await ready(page)
    await expect(page.locator(".list-body .record-title", has_text=renamed)).to_have_count(0)

    assert watched.problems() == []


@pytest.mark.parametrize("prompt", PROMPTS)
async def test_app_from_prompt_works(watched: WatchedPage, site: AppSite, prompt: str) -> None:
    spec = analyze(prompt)
    await exercise(watched, site, spec, spec.slug)


async def test_every_field_type_and_component(watched: WatchedPage, site: AppSite) -> None:
    spec = kitchen_sink()
    await exercise(watched, site, spec, "kitchen-sink")
    page = watched.page
    # A record with every field type, then the components that show it.
    trip = spec.entity("trip")
    await create_record(page, spec, trip, "Lisbon")
    await expect(page.locator(".hero-photo")).to_be_visible()
    await expect(page.locator(".stars")).to_have_text("★★★★☆")
    await create_record(page, spec, spec.entity("stop"), "Belém tower")
    await go(page, "#/trips")
    await expect(page.locator(".card-grid .record-title", has_text="Lisbon")).to_be_visible()
    await page.get_by_role("button", name="Beach").click()
    await expect(page.locator(".card-grid .record-title", has_text="Lisbon")).to_have_count(1)
    await page.get_by_role("button", name="City").click()
    await expect(page.locator(".card-grid .record-title")).to_have_count(0)
    await go(page, "#/home")
    await expect(page.locator(".chart svg rect")).to_have_count(3)
    await expect(page.locator(".ring svg")).to_be_visible()
    await expect(page.locator(".calendar-day.has")).not_to_have_count(0)
    await shot(page, "kitchen-sink-dashboard-phone")
    await go(page, "#/trip")
    await page.locator(".list-body a", has_text="Lisbon").click()
    await expect(page.locator(".related .record-title", has_text="Belém tower")).to_be_visible()
    await go(page, "#/settings")
    await page.get_by_label("Name").fill("Ada")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator(".profile-name")).to_have_text("Signed in as Ada")
    assert watched.problems() == []


async def test_theme_choice_persists(watched: WatchedPage, site: AppSite) -> None:
    spec = analyze("a habit tracker")
    site.write(render_app(spec))
    write_images(site, spec)
    page = watched.page
    await open_app(page, site)
    settings = next(s for s in spec.screens if s.kind == "settings")
    await go(page, f"#/{settings.route}")
    await page.locator(".segment", has_text="Dark").click()
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await page.reload()
    await ready(page)
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    bg = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert bg != "rgb(247, 247, 251)", "the dark background applies"
    await go(page, f"#/{spec.home}")
    await shot(page, f"{spec.slug}-home-dark-phone")
    await go(page, f"#/{settings.route}")
    await page.locator(".segment", has_text="System").click()
    await expect(page.locator("html")).not_to_have_attribute("data-theme", "dark")
    assert watched.problems() == []


async def test_app_works_at_every_stage_of_arrival(watched: WatchedPage, site: AppSite) -> None:
    spec = kitchen_sink()
    page = watched.page
    # Stage 1: the preview goes live with the base and preview setup only.
    site.write(render_base(spec) + render_preview_setup(spec))
    await open_app(page, site)
    await expect(page.locator(".hello-name")).to_have_text(spec.name)
    await go(page, "#/trips")
    await expect(page.locator(".placeholder")).to_contain_text("This screen is being generated…")
    await expect(page.locator(".placeholder")).to_contain_text("Trips")
    await shot(page, "stage-placeholder-phone")

    # Stage 2: screens land one at a time, components not yet; each reload keeps working.
    for screen in spec.screens:
        site.write(render_screen(spec, screen))
        await page.reload()
        await ready(page)
    await go(page, "#/trips")
    await expect(page.locator(".placeholder")).to_have_count(0)
    await create_record(page, spec, spec.entity("trip"), "Porto")
    await go(page, "#/trips")
    await expect(page.locator(".records .record-title", has_text="Porto")).to_be_visible()
    await expect(page.locator(".card-grid")).to_have_count(0)
    await page.locator(".list-body a", has_text="Porto").click()
    await page.get_by_role("button", name="Delete").click()
    await page.locator("dialog[open] button[value=confirm]").click()
    await drawn(page, "#/trips")
    await create_record(page, spec, spec.entity("trip"), "Porto again")

    # Stage 3: the components arrive and enhance the same screens.
    site.write(render_components(spec))
    await page.reload()
    await ready(page)
    await go(page, "#/trips")
    await expect(page.locator(".card-grid .record-title", has_text="Porto again")).to_be_visible()
    await go(page, "#/home")
    await expect(page.locator(".chart svg")).to_be_visible()
    # Screens and components missing at first are the only things allowed to be absent.
    assert watched.problems(allow_missing_files=True) == []
    assert all("/app/" in e or "/assets/" in e or "favicon" in e for e in watched.console_errors)


@pytest.mark.parametrize("source", ["prompt", "every_text"])
async def test_hostile_text_stays_text(watched: WatchedPage, site: AppSite, source: str) -> None:
    spec = analyze(HOSTILE) if source == "prompt" else hostile()
    site.write(render_app(spec))
    write_images(site, spec)
    page = watched.page
    await open_app(page, site)
    for screen in spec.screens:
        await go(page, f"#/{screen.route}")
    about = next(s for s in spec.screens if s.kind == "about")
    await go(page, f"#/{about.route}")
    await expect(page.locator("blockquote.prompt")).to_have_text(spec.prompt)
    await expect(page.locator("blockquote.prompt")).to_contain_text("<script>alert(1)</script>")
    listed = next(s for s in spec.screens if s.kind == "list" and s.entity)
    assert listed.entity is not None
    await create_record(page, spec, spec.entity(listed.entity), HOSTILE[:60])
    await shot(page, f"hostile-{source}-detail-phone")
    injected = await page.evaluate(
        "document.querySelectorAll('img[src=\"x\"], script:not([src])').length"
    )
    assert injected == 0
    assert (await page.title()).endswith(spec.name), "the tab title carries the name as text"
    assert watched.dialogs == []
    assert watched.problems() == []


async def test_offline_cache_serves_the_app_without_network(
    watched: WatchedPage, site: AppSite
) -> None:
    spec = analyze("a notes app")
    app = site.under("preview/p1")
    app.write(render_app(spec))
    write_images(app, spec)
    site.write_bytes("outside.txt", b"not the app's")
    page = watched.page
    await open_app(page, app)
    assert await page.evaluate("navigator.serviceWorker.ready.then(r => Boolean(r.active))")
    await page.reload()
    await ready(page)
    assert await page.evaluate("Boolean(navigator.serviceWorker.controller)")
    assert await page.evaluate("fetch('/outside.txt').then(r => r.text())") == "not the app's"
    cached = await page.evaluate(
        "caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k)"
        ".then(c => c.keys())))).then(all => all.flat().map(r => r.url))"
    )
    assert any(url.endswith("/preview/p1/app/main.js") for url in cached)
    assert not any(url.endswith("/outside.txt") for url in cached), "only the app's own files"
    manifest = await page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["name"] == spec.name

    await page.context.set_offline(True)
    await page.reload()
    await ready(page)
    await expect(page.locator(".hello-name")).to_have_text(spec.name)
    await page.context.set_offline(False)
    assert watched.problems() == []


def test_screenshots_folder_is_ignored() -> None:
    ignored = (Path(__file__).resolve().parents[2] / ".gitignore").read_text()
    assert "test-artifacts/" in ignored
