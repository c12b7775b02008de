"""The web page at `/`: a prompt box, live progress and the preview (static files)."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from appgen.gateway.hosts import require_allowed_host

router = APIRouter(include_in_schema=False)


# Only under the gateway's own names: a DNS-rebinding page must not become the page's origin.
@router.get("/", dependencies=[Depends(require_allowed_host)])
async def index() -> HTMLResponse:
    page = resources.files("appgen.gateway").joinpath("static/index.html").read_text()
    return HTMLResponse(page, headers={"Cache-Control": "no-cache"})
