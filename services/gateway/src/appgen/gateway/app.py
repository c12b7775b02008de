"""The gateway application: `create_app(settings)` wires routes, errors, limits and the lifespan."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from appgen.gateway import problems
from appgen.gateway.access import guard
from appgen.gateway.auth import check_exposure
from appgen.gateway.compat import OpenSockets
from appgen.gateway.frames import RawFrames
from appgen.gateway.headers import SecurityHeaders
from appgen.gateway.limits import BodyLimits
from appgen.gateway.outages import OUTAGE_ERRORS, RETRY_AFTER_S, outage
from appgen.gateway.problems import PROBLEM_JSON, Problem
from appgen.gateway.resources import open_resources
from appgen.gateway.routes import (
    asyncapi,
    compat,
    edits,
    files,
    fork,
    health,
    metrics,
    native,
    page,
    preview,
    projects,
    resume,
    sse,
    stats,
    tokens,
    ws,
)
from appgen.gateway.settings import Settings

STATIC = Path(__file__).parent / "static"
log = logging.getLogger(__name__)


def _problem_docs(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {
        code: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "A problem."}
        for code in codes
    }


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app; it connects to NATS and PostgreSQL when it starts, not before.

    Raises `InsecureSettings` for authentication off on an address beyond loopback."""
    settings = settings or Settings()
    check_exposure(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_resources(settings) as resources:
            app.state.resources = resources
            # What start-up made lives as long as the process; thousands of sockets make full
            # collections long enough already without walking it too.
            gc.freeze()
            yield

    app = FastAPI(
        title="appgen gateway",
        version="1.0.0",
        summary="Prompt in, live app out: REST, WebSocket and SSE progress, preview and export.",
        lifespan=lifespan,
        responses=_problem_docs(422),
        # Authentication and ownership for every route, present and future (access.py).
        dependencies=[Depends(guard)],
    )
    app.state.settings = settings
    app.state.sockets = OpenSockets()
    problems.install(app)

    async def on_outage(request: Request, error: Exception) -> JSONResponse:
        down = outage(error)
        if down is None:
            raise error  # not an outage: a bug, answered 500 and logged with its traceback
        log.warning("%s %s: %s is unreachable (%s)", request.method, request.url.path, down, error)
        return problems.problem_response(
            503,
            f"{down} is unreachable just now; nothing was lost. Try again shortly.",
            instance=request.url.path,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )

    async def on_crash(request: Request, error: Exception) -> JSONResponse:
        return problems.problem_response(500, "Internal error.", instance=request.url.path)

    for kind in OUTAGE_ERRORS:
        app.add_exception_handler(kind, on_outage)

    app.add_exception_handler(Exception, on_crash)
    # Replay, resume, fork, stats and metrics (docs/replay.md).
    for router in (resume.router, fork.router, stats.router, metrics.router):
        app.include_router(router)
    for router in (
        health.router,
        asyncapi.router,
        projects.router,
        edits.router,
        files.router,
        native.router,
        native.files,
        sse.router,
        ws.router,
        preview.router,
        compat.router,
        tokens.router,
        page.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimits, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"],
        )
    # Added last, so outermost: it must see uvicorn's own `send` (appgen.gateway.frames).
    app.add_middleware(RawFrames)
    return app
