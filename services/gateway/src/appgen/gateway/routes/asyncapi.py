"""The events' AsyncAPI document, beside the REST API's OpenAPI one (docs/protocol.md)."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter

from appgen.events.catalog.asyncapi import document

router = APIRouter(tags=["events"])


@cache
def _document() -> dict[str, Any]:
    return document()


@router.get("/asyncapi.json", include_in_schema=False)
async def asyncapi() -> dict[str, Any]:
    """Every event type: its subject, payload schema, and the services that send and receive it."""
    return _document()
