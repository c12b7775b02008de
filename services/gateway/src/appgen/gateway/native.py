"""The native stage as the gateway sees it: its web builds (served under the preview token) and
the Expo Go servers, started by a command to the native service and followed by their events."""

from __future__ import annotations

from typing import Literal

from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from pydantic import BaseModel, Field

from appgen.events import (
    NativeBuilt,
    NativeEvent,
    NativePreviewFailed,
    NativePreviewReady,
    NativePreviewStarted,
    NativePreviewStopped,
)
from appgen.events.catalog.native import (
    BASE_URL_TOKEN,
    PREVIEWS_SUBJECT,
    PreviewAnswer,
    StartPreview,
)
from appgen.gateway.problems import ProblemError
from appgen.gateway.resources import Resources

COMMAND_TIMEOUT_S = 10.0
# Built text that names its own URLs: the placeholder of the base URL is the token.
_TEXT_TYPES = ("text/", "application/json", "application/javascript")


class NativePreview(BaseModel):
    """A project's Expo Go server, as its events tell it."""

    status: Literal["starting", "ready", "stopped", "failed"]
    expo_url: str | None = Field(
        default=None, description="`exp://host:port`: what Expo Go (SDK 54) opens."
    )
    reason: str | None = None


LIFECYCLE: tuple[type[NativeEvent], ...] = (
    NativePreviewStarted,
    NativePreviewReady,
    NativePreviewStopped,
    NativePreviewFailed,
)


async def preview_status(res: Resources, project_id: str) -> NativePreview:
    """The newest lifecycle event decides; `stopped` (without an address) when there is none."""
    found = [await res.log.latest(project_id, kind) for kind in LIFECYCLE]
    newest = max((f for f in found if f is not None), key=lambda f: f[0], default=None)
    if newest is None:
        return NativePreview(status="stopped", reason="No Expo Go server was started.")
    event = newest[1]
    started = found[0][1] if found[0] is not None else None
    url = started.expo_url if isinstance(started, NativePreviewStarted) else None
    if isinstance(event, NativePreviewStarted):
        return NativePreview(status="starting", expo_url=event.expo_url)
    if isinstance(event, NativePreviewReady):
        return NativePreview(status="ready", expo_url=event.expo_url)
    if isinstance(event, NativePreviewStopped):
        return NativePreview(status="stopped", expo_url=url, reason=event.reason)
    assert isinstance(event, NativePreviewFailed)
    return NativePreview(status="failed", expo_url=url, reason=event.reason)


async def start_preview(res: Resources, project_id: str, host: str | None) -> PreviewAnswer:
    """Ask a native service to start (or keep) the project's server; problems for no service
    (503), a full pool (429 with Retry-After) and one that cannot run Metro (503)."""
    request = StartPreview(project_id=project_id, host=host)
    try:
        msg = await res.bus.nc.request(
            PREVIEWS_SUBJECT, request.model_dump_json().encode(), timeout=COMMAND_TIMEOUT_S
        )
    except (NoRespondersError, NatsTimeout):
        raise ProblemError(503, "No native service is running to start Expo Go.") from None
    answer = PreviewAnswer.model_validate_json(msg.data)
    if answer.status == "full":
        raise ProblemError(
            429,
            f"{answer.reason}; try again later.",
            headers={"Retry-After": str(answer.retry_after_s)},
        )
    if answer.status == "unavailable":
        raise ProblemError(503, f"Expo Go cannot run here: {answer.reason}")
    return answer


async def latest_build(res: Resources, project_id: str) -> NativeBuilt | None:
    found = await res.log.latest(project_id, NativeBuilt)
    return found[1] if found else None


def with_token(data: bytes, content_type: str, token: str) -> bytes:
    """A built text file with the preview's token where the build left the placeholder."""
    if not content_type.startswith(_TEXT_TYPES):
        return data
    return data.replace(BASE_URL_TOKEN.encode(), token.encode())
