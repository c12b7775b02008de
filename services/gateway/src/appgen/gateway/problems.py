"""Errors as RFC 9457 problem details (`application/problem+json`), for every route and status."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """The body of every error response."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class ProblemError(Exception):
    """Raised by a route to answer with a problem; `detail` is safe to show to the client."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type_
        self.headers = headers


def problem_response(
    status: int,
    detail: str | None,
    *,
    instance: str | None = None,
    type_: str = "about:blank",
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=type_,
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=instance,
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _json_safe(errors: list[Any]) -> list[dict[str, Any]]:
    # pydantic puts the raw exception in `ctx`; keep only what serializes as JSON.
    safe = []
    for error in errors:
        item = {k: error[k] for k in ("loc", "msg", "type") if k in error}
        item["loc"] = [str(part) for part in item.get("loc", ())]
        safe.append(item)
    return safe


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem body."""

    async def on_problem(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ProblemError)
        return problem_response(
            error.status,
            error.detail,
            instance=request.url.path,
            type_=error.type,
            headers=error.headers,
        )

    async def on_http(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        detail = error.detail if isinstance(error.detail, str) else None
        return problem_response(
            error.status_code,
            detail,
            instance=request.url.path,
            headers=dict(error.headers) if error.headers else None,
        )

    async def on_validation(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        return problem_response(
            422,
            "The request is not valid; see `errors`.",
            instance=request.url.path,
            errors=_json_safe(list(error.errors())),
        )

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
