"""Security headers on every response; the page and previews set their own CSP on top."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# The API answers JSON, zips and images; nothing in it is meant to run or be framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The page: its own modules and styles, images (QR codes, previews' icons), connections to the
# gateway; previews only in a frame; never framed itself, so a preview cannot frame it.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PAGE = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Frame-Options": "DENY",
    # A window a preview opens on the page is cut off from it (no handle to read it through).
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds `COMMON` everywhere, `PAGE` to the page and its static files, and a deny-all CSP to
    the API, unless a route set its own (previews and the OpenAPI docs do)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == "/" or path.startswith("/static/"):
            extra = PAGE
        elif path.startswith(("/preview/", "/docs", "/redoc")):
            extra = {}
        else:
            extra = {"Content-Security-Policy": API_CSP}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in {**COMMON, **extra}.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
