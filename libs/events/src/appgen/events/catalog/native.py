"""The native stage's one command: start (or keep) a project's Expo Go dev server.

A request and its answer over core NATS (a queue group, so any native process may answer); the
server's lifecycle is then told by events (`NativePreviewStarted`, …), which the gateway reads
like any other. The subject is spelled here only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from appgen.events.catalog.ids import ProjectId

PREVIEWS_SUBJECT = "appgen.native.previews"
PREVIEWS_QUEUE = "native-previews"


class StartPreview(BaseModel):
    """Start a Metro dev server for the project's newest version, or keep its running one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    project_id: ProjectId
    host: str | None = Field(
        default=None,
        max_length=253,
        description="The host a phone reaches this machine at; None: the service's own choice.",
    )


class PreviewAnswer(BaseModel):
    """`accepted`: starting (or already running); `full`: the pool is busy, try after
    `retry_after_s`; `unavailable`: this service cannot run Metro (`reason`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Literal["accepted", "full", "unavailable"]
    retry_after_s: int = Field(default=0, ge=0)
    reason: str = Field(default="", max_length=2000)


# The native web build is made once per version and served under every preview token of the
# project: its base URL holds this placeholder, which the gateway replaces with the token.
BASE_URL_TOKEN = "__APPGEN_NATIVE_TOKEN__"
