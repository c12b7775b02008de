"""`GET /metrics`: the gateway's Prometheus metrics (the services serve theirs on a port)."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from appgen.events.transport.usage import stream_usage
from appgen.gateway.deps import ResourcesDep

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response, include_in_schema=False)
async def metrics(res: ResourcesDep) -> Response:
    """Every metric of this process in the Prometheus text format, with the event stream's
    size and limit read at the scrape."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(stream_usage(res.bus.js, res.bus.settings), timeout=2)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
