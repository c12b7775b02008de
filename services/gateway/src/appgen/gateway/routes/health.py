"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
import dataclasses

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from appgen.events.transport.usage import stream_usage
from appgen.gateway.bodies import Health, Readiness, StreamFill
from appgen.gateway.deps import ResourcesDep
from appgen.gateway.problems import Problem, problem_response

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is alive."""
    return Health()


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={
        503: {
            "model": Problem,
            "description": "NATS or PostgreSQL is unreachable, or the event stream is full.",
        }
    },
)
async def readyz(res: ResourcesDep) -> Readiness | JSONResponse:
    """NATS and PostgreSQL are reachable, and the event stream has room."""
    checks: dict[str, str] = {}
    stream: StreamFill | None = None
    try:
        await asyncio.wait_for(res.bus.nc.flush(), timeout=2)
        checks["nats"] = "ok" if res.bus.nc.is_connected else "disconnected"
    except Exception as error:
        checks["nats"] = f"error: {type(error).__name__}"
    if checks["nats"] == "ok":
        try:
            usage = await asyncio.wait_for(stream_usage(res.bus.js, res.bus.settings), timeout=2)
        except Exception as error:
            checks["stream"] = f"error: {type(error).__name__}"
        else:
            stream = StreamFill(**dataclasses.asdict(usage), fill=usage.fill)
            full = f"full ({usage.bytes} of {usage.max_bytes} bytes)"
            checks["stream"] = full if usage.full else "ok"
    try:
        await asyncio.wait_for(res.store.ping(), timeout=2)
        checks["postgres"] = "ok"
    except Exception as error:
        checks["postgres"] = f"error: {type(error).__name__}"
    if any(value != "ok" for value in checks.values()):
        failing = ", ".join(f"{name} {value}" for name, value in checks.items() if value != "ok")
        return problem_response(503, f"Not ready: {failing}.", instance="/readyz")
    return Readiness(checks=checks, stream=stream)
