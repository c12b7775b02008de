"""The page's sign-in, in Chromium, against a gateway that gives the page no session.

Without a local key file the gateway answers `GET /api/v1/session` with 403, as it does when it
listens beyond loopback, so the page must ask a person for an API key. A wrong key is refused in
words; a real one is traded once for a short-lived token, which the page renews with itself and
keeps (in sessionStorage, never the key) across a reload. Previews cannot read that token. A
project is generated through it; signing out brings the form back, and a revoked key ends the
sign-in with a message.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Request, expect

from appgen.gateway import Settings
from appgen.gateway.testing import create_key, serve_gateway
from appgen.store import EventStore, KeyStore
from appgen.store.keys import key_id_of
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, page_on
from tests.inprocess import running_pipeline

pytestmark = pytest.mark.browser

PROMPT = "Create a todo list app"
TIMEOUT_MS = 30_000
# Short enough that the page renews its token during the test (at about two thirds of it).
TOKEN_TTL_S = 20
# What a page script can read of this origin's storage; a sandboxed preview gets a SecurityError.
READ_STORAGE = """() => {
  try {
    return JSON.stringify({ session: { ...sessionStorage }, local: { ...localStorage } });
  } catch (error) {
    return error.name;
  }
}"""
EMPTY_STORAGE = '{"session":{},"local":{}}'


async def screenshots(page: Page, name: str) -> None:
    """Phone and desktop, light and dark."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        await page.emulate_media(color_scheme=scheme)
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            await page.set_viewport_size(viewport)
            await page.screenshot(path=str(SCREENSHOTS / f"{name}-{scheme}-{size}.png"))
    await page.emulate_media(color_scheme="light")


async def revoke(database_url: str, key: str) -> None:
    key_id = key_id_of(key)
    assert key_id is not None
    store = await EventStore.open(database_url, pool_size=1)
    try:
        await KeyStore(store.engine).revoke(key_id)
    finally:
        await store.close()


def path_of(request: Request) -> str:
    return urlsplit(request.url).path


async def authorization(request: Request) -> str:
    return (await request.all_headers()).get("authorization") or ""


async def renewal(requests: list[Request], timeout_s: float) -> Request:
    """The first request that traded a token (not a key) for a new one, once there is one."""
    deadline = time.monotonic() + timeout_s
    while True:
        for request in list(requests):
            if (
                request.method == "POST"
                and path_of(request) == "/api/v1/tokens"
                and (await authorization(request)).startswith("Bearer tok.")
            ):
                return request
        if time.monotonic() > deadline:
            raise AssertionError("the page did not renew its token")
        await asyncio.sleep(0.5)


async def test_sign_in_with_a_key_generate_reload_and_sign_out(
    browser: Browser, nats_url: str, database_url: str
) -> None:
    key = await create_key(database_url, "sign-in (test)")
    key_id = key_id_of(key)
    settings = Settings(
        nats_url=nats_url,
        database_url=database_url,
        gateway_port=0,
        local_key_file=None,  # no session for the page: it needs a person's key
        token_ttl_s=TOKEN_TTL_S,
    )
    errors: list[str] = []
    requests: list[Request] = []
    sockets: list[str] = []
    async with (
        running_pipeline(nats_url, database_url),
        serve_gateway(settings) as origin,
        page_on(browser, errors) as page,
    ):
        page.on("request", lambda request: requests.append(request))
        page.on("websocket", lambda socket: sockets.append(socket.url))
        await page.goto(f"{origin}/")

        # Only the form: a heading, a password field that has the focus, where keys come from.
        field = page.get_by_label("API key", exact=True)
        await expect(page.get_by_role("heading", name="Sign in with an API key")).to_be_visible()
        await expect(field).to_be_focused()
        await expect(field).to_have_attribute("type", "password")
        await expect(page.locator("#signin-help")).to_contain_text("appgen keys create --name NAME")
        await expect(page.get_by_label("Describe your app")).to_be_hidden()
        await expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
        await screenshots(page, "signin-form")

        # A wrong key: refused in words, in the form, the field marked as the cause.
        await field.fill("appgen_000000000000_" + "x" * 43)
        await field.press("Enter")
        error = page.locator("#signin-error")
        await expect(error).to_have_attribute("role", "alert")
        await expect(error).to_contain_text("That key was not accepted")
        await expect(error).to_contain_text("unknown or has been revoked")
        await expect(field).to_have_attribute("aria-invalid", "true")
        await expect(field).to_be_focused()
        await screenshots(page, "signin-refused")

        # The real key, by keyboard: the form goes, the prompt gets the focus.
        await field.fill(key)
        await page.keyboard.press("Tab")
        await expect(page.get_by_role("button", name="Sign in")).to_be_focused()
        await page.keyboard.press("Enter")
        prompt = page.get_by_label("Describe your app")
        await expect(prompt).to_be_focused()
        await expect(page.locator("#signin")).to_be_hidden()
        await expect(page.locator("#account-text")).to_have_text(f"Signed in with key {key_id}")
        await expect(page.locator("#projects-empty")).to_contain_text("No projects yet")

        # A project, start to finish, on the token.
        await prompt.fill(PROMPT)
        await prompt.press("Control+Enter")
        await expect(page.locator('#stages [data-stage="complete"]')).to_have_attribute(
            "data-status", "done", timeout=TIMEOUT_MS
        )
        await expect(page.locator("#connection")).to_contain_text("Finished")
        await expect(page.frame_locator("#frame").locator("nav.tabbar")).to_be_visible(
            timeout=TIMEOUT_MS
        )
        await screenshots(page, "signin-signed-in")

        # The page's own storage holds the token and nothing else of the sign-in.
        stored = await page.evaluate(READ_STORAGE)
        assert "tok." in stored
        assert key not in stored
        # The framed preview is sandboxed into an opaque origin: it cannot read that storage.
        frame = await (await page.locator("#frame").element_handle()).content_frame()
        assert frame is not None
        assert await frame.evaluate(READ_STORAGE) == "SecurityError"
        # Opened in a new tab (rel=noopener), it starts with empty storage.
        async with page.context.expect_page() as opened:
            await page.locator("#open").click()
        tab = await opened.value
        await tab.wait_for_load_state()
        assert urlsplit(tab.url).path.startswith("/preview/")
        assert await tab.evaluate(READ_STORAGE) == EMPTY_STORAGE
        await tab.close()

        # Before it expires, the token is traded for a new one with itself as the bearer.
        renewed = await renewal(requests, timeout_s=TOKEN_TTL_S + 10)
        answer = await renewed.response()
        assert answer is not None
        assert answer.status == 201

        # A reload within the token's lifetime stays signed in, without asking for a session.
        before = len(requests)
        await page.reload()
        await expect(page.locator("#connection")).to_contain_text("Finished", timeout=TIMEOUT_MS)
        await expect(page.locator("#signin")).to_be_hidden()
        await expect(page.locator("#account-text")).to_have_text(f"Signed in with key {key_id}")
        assert not [r for r in requests[before:] if path_of(r) == "/api/v1/session"]

        # The key went to the server exactly once, in a header: never in a URL, a body, storage.
        carried = [(r.method, path_of(r)) for r in requests if key in await authorization(r)]
        assert carried == [("POST", "/api/v1/tokens")]
        assert not [r.url for r in requests if key in r.url]
        assert not [r.url for r in requests if key in (r.post_data or "")]
        assert sockets
        assert not [url for url in sockets if key in url]
        assert all("access_token=tok." in url for url in sockets)
        assert key not in await page.evaluate(READ_STORAGE)

        # Sign out: the form again, focused; no token kept, no project left in the address.
        await page.get_by_role("button", name="Sign out").click()
        await expect(field).to_be_visible()
        await expect(field).to_be_focused()
        await expect(field).to_have_value("")
        await expect(error).to_be_hidden()
        await expect(page.locator("#project")).to_be_hidden()
        assert await page.evaluate(READ_STORAGE) == EMPTY_STORAGE
        assert urlsplit(page.url).fragment == ""
        await page.reload()
        await expect(field).to_be_visible()

        # A key revoked while signed in ends the sign-in at the next request, in words.
        await field.fill(key)
        await field.press("Enter")
        await expect(page.locator("#signin")).to_be_hidden()
        await revoke(database_url, key)
        await page.reload()
        await expect(error).to_contain_text("Your sign-in has ended", timeout=TIMEOUT_MS)
        await expect(field).to_be_visible()
        assert await page.evaluate(READ_STORAGE) == EMPTY_STORAGE
        # And the revoked key itself is refused.
        await field.fill(key)
        await field.press("Enter")
        await expect(error).to_contain_text("That key was not accepted")
    # Chromium logs the refused requests (403 session, 401 tokens) itself; nothing else may be.
    assert [e for e in errors if "Failed to load resource" not in e] == []
