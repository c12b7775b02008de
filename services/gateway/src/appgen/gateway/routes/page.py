"""The web page at `/`: a prompt box, live progress and the preview (static files)."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> HTMLResponse:
    page = resources.files("appgen.gateway").joinpath("static/index.html").read_text()
    return HTMLResponse(page, headers={"Cache-Control": "no-cache"})
