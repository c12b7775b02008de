"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from appgen.gateway.deps import RuntimeDep
from appgen.gateway.models import Health, Readiness
from appgen.gateway.problems import Problem, problem_response

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is alive."""
    return Health()


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Problem, "description": "NATS or PostgreSQL is unreachable."}},
)
async def readyz(rt: RuntimeDep) -> Readiness | JSONResponse:
    """NATS and PostgreSQL are reachable."""
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(rt.bus.nc.flush(), timeout=2)
        checks["nats"] = "ok" if rt.bus.nc.is_connected else "disconnected"
    except Exception as error:
        checks["nats"] = f"error: {type(error).__name__}"
    try:
        await asyncio.wait_for(rt.store.ping(), timeout=2)
        checks["postgres"] = "ok"
    except Exception as error:
        checks["postgres"] = f"error: {type(error).__name__}"
    if any(value != "ok" for value in checks.values()):
        failing = ", ".join(f"{name} {value}" for name, value in checks.items() if value != "ok")
        return problem_response(503, f"Not ready: {failing}.", instance="/readyz")
    return Readiness(checks=checks)
