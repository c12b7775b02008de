"""What a client sends on the progress WebSocket: `start`, `edit`, `revert` or `ping`.

Each message is parsed and handed to its use case (`appgen.gateway.usecases`). A message the
socket cannot take closes it (`Closed`, with the close codes of docs/protocol.md); an edit the
app refuses is answered on the socket, which stays open.
"""

from __future__ import annotations

import asyncio

from fastapi import WebSocket
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appgen.gateway.access import owns
from appgen.gateway.auth import Caller
from appgen.gateway.bodies import EditPrompt, Prompt
from appgen.gateway.problems import ProblemError
from appgen.gateway.resources import Resources
from appgen.gateway.usecases.create import start_project
from appgen.gateway.usecases.edit import EditAccepted, request_edit, request_revert

# The close codes of docs/protocol.md.
GOING_AWAY = 1001
POLICY = 1008
TRY_AGAIN_LATER = 1013


class Closed(Exception):
    """End the socket with `code`; the client is told `detail` first (see `routes/ws.py`)."""

    def __init__(self, code: int, reason: str, *, detail: str | None = None) -> None:
        super().__init__(reason)
        self.code = code
        # A close frame's reason is at most 123 bytes; the error message sent before it is not.
        self.reason = reason.encode()[:123].decode(errors="ignore")
        self.detail = detail or reason


class ClientMessage(BaseModel):
    # The earlier generator's clients also send `user_id`, `template_id` and `fast_mode`.
    model_config = ConfigDict(extra="ignore")
    action: str
    prompt: str | None = None
    version: int | None = None
    expected_version: int | None = None


class _Start(BaseModel):
    prompt: Prompt


class _Edit(BaseModel):
    prompt: EditPrompt


class _Revert(BaseModel):
    version: int = Field(ge=1)


USAGE = (
    'bad message: expected {"action": "start" | "edit", "prompt": "..."}, '
    '{"action": "revert", "version": N} or {"action": "ping"}'
)


def describe(error: ValidationError) -> str:
    """Pydantic's errors in one short line (a close reason has 123 bytes): `prompt: too short`."""
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "message"
        if item["type"] == "json_invalid":
            parts.append("not JSON")
        else:
            parts.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


async def handle_message(
    ws: WebSocket, res: Resources, caller: Caller, project_id: str, text: str
) -> None:
    """A client message: `start` (idempotent), `edit`, `revert` or `ping`."""
    try:
        message = ClientMessage.model_validate_json(text)
    except ValidationError as error:
        raise Closed(POLICY, f"bad message: {describe(error)}") from None
    if message.action == "ping":
        await ws.send_json({"type": "pong"})
    elif message.action == "start":
        await _start(ws, res, caller, project_id, message)
    elif message.action in ("edit", "revert"):
        await _edit(ws, res, caller, project_id, message)
    else:
        raise Closed(POLICY, USAGE)


async def _start(
    ws: WebSocket, res: Resources, caller: Caller, project_id: str, message: ClientMessage
) -> None:
    try:
        prompt = _Start.model_validate({"prompt": message.prompt}).prompt
    except ValidationError as error:
        raise Closed(POLICY, f"bad message: {describe(error)}") from None
    try:
        result = await start_project(res, caller, project_id, prompt)
    except ProblemError as error:
        code = TRY_AGAIN_LATER if error.status == 429 else POLICY
        raise Closed(code, error.detail) from error
    await ws.send_json({"type": "accepted", "project_id": project_id, "created": result.created})


async def _edit(
    ws: WebSocket, res: Resources, caller: Caller, project_id: str, message: ClientMessage
) -> None:
    """An edit or a revert. A refusal (an empty prompt, a failed project, a version the app is
    past) is answered on the socket, which stays open: the person can simply try again."""
    expected = message.expected_version
    edit: EditAccepted
    try:
        if message.action == "revert":
            version = _Revert.model_validate({"version": message.version}).version
            edit = await request_revert(res, caller, project_id, version, expected_version=expected)
        else:
            prompt = _Edit.model_validate({"prompt": message.prompt}).prompt
            edit = await request_edit(res, caller, project_id, prompt, expected_version=expected)
    except ValidationError as error:
        await ws.send_json({"type": "edit_refused", "status": 422, "error": describe(error)})
        return
    except ProblemError as error:
        await ws.send_json({"type": "edit_refused", "status": error.status, "error": error.detail})
        return
    await ws.send_json(
        {
            "type": "edit_accepted",
            "project_id": project_id,
            "edit_id": edit.edit_id,
            "version": edit.version,
            "position": edit.position,
        }
    )


async def receive_loop(ws: WebSocket, res: Resources, caller: Caller, project_id: str) -> None:
    while True:
        text = await ws.receive_text()
        await handle_message(ws, res, caller, project_id, text)


async def await_start(ws: WebSocket, res: Resources, caller: Caller, project_id: str) -> None:
    """For a project that does not exist yet: the first message must start it."""
    try:
        async with asyncio.timeout(res.settings.ws_start_timeout_s):
            text = await ws.receive_text()
    except TimeoutError:
        raise Closed(POLICY, f"unknown project {project_id}; send start to create it") from None
    await handle_message(ws, res, caller, project_id, text)
    if not await owns(res, caller, project_id):
        raise Closed(POLICY, f"unknown project {project_id}; send start to create it")
