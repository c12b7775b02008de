"""An OpenAI-compatible server for tests and benches: a small ASGI app, scriptable per test.

It serves `/v1/chat/completions` (streaming or not; `json_schema`, `json_object` or no response
format) and `/v1/images/generations`. By default it answers like a good model would: the spec
for an analysis (from the deterministic generator, so it fits any prompt), the revised spec for
an edit (from the deterministic editor; the spec unchanged when it refuses), the planned
components for a screen, a small PNG for an image. A test queues its own replies per kind
(429 with Retry-After, slow, truncated or malformed answers, ...) and reads what was asked.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
import uuid
import zlib
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from appgen.analyzer import analyze
from appgen.analyzer.edits import Revision, revise
from appgen.spec import AppSpec

Kind = Literal["analysis", "edit", "screen", "other", "image"]


@dataclass
class Reply:
    """One scripted answer. `content` None means "answer as a good model would"."""

    content: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    finish_reason: str = "stop"
    usage: tuple[int, int, int] | None = None  # (prompt, completion, cached); None: estimated
    report_usage: bool = True
    error: str = "scripted error"


@dataclass
class ChatRequest:
    body: dict[str, Any]

    @property
    def model(self) -> str:
        """The model the request asked for."""
        return str(self.body["model"])

    @property
    def messages(self) -> list[dict[str, str]]:
        return list(self.body.get("messages", []))

    @property
    def system(self) -> str:
        return "\n".join(m["content"] for m in self.messages if m["role"] == "system")

    @property
    def user(self) -> dict[str, Any]:
        first = next(m["content"] for m in self.messages if m["role"] == "user")
        data = json.loads(first)
        assert isinstance(data, dict)
        return data

    @property
    def format(self) -> str | None:
        fmt = self.body.get("response_format")
        return fmt.get("type") if isinstance(fmt, dict) else None

    @property
    def kind(self) -> Kind:
        system = self.system
        if "You change small mobile apps" in system:
            return "edit"
        if "app specs" in system:
            return "analysis"
        if "one screen" in system:
            return "screen"
        return "other"

    @property
    def is_repair(self) -> bool:
        return any(m["role"] == "assistant" for m in self.messages)


def good_answer(request: ChatRequest) -> str:
    """What a capable model would answer (deterministically)."""
    if request.kind == "analysis":
        spec = analyze(request.user["description"]).model_dump(mode="json")
        for ours in ("prompt", "version"):
            spec.pop(ours)
        return json.dumps(spec)
    if request.kind == "edit":
        return json.dumps(edited(request.user["spec"], request.user["request"]))
    if request.kind == "screen":
        user = request.user
        route = user["screen"]["route"]
        screen = next(s for s in user["app"]["screens"] if s["route"] == route)
        components = screen["components"] or [{"kind": "header", "title": screen["title"]}]
        return json.dumps({"components": components})
    return "{}"


def edited(current: dict[str, Any], request: str) -> dict[str, Any]:
    """The spec (as the editor sends it: no prompt, no version) as the offline editor revises it."""
    spec = AppSpec.model_validate({**current, "prompt": "edited", "version": 1})
    outcome = revise(spec, request)
    revised = outcome.spec if isinstance(outcome, Revision) else spec
    return revised.model_dump(mode="json", exclude={"prompt", "version"})


def tiny_png(rgb: tuple[int, int, int] = (90, 120, 220), size: int = 4) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = size.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class FakeOpenAI:
    def __init__(self, *, delay_s: float = 0.0, json_schema: bool = True) -> None:
        self.delay_s = delay_s  # before every answer, on top of a reply's own
        self.json_schema = json_schema  # False: reject json_schema like a JSON-mode-only server
        self.scripts: dict[Kind, deque[Reply]] = {
            k: deque() for k in ("analysis", "edit", "screen", "other", "image")
        }
        self.requests: list[ChatRequest] = []
        self.image_requests: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []
        self.arrivals: list[float] = []  # monotonic time each chat request arrived
        self.answer: Callable[[ChatRequest], str] = good_answer
        self.in_flight = 0
        self.max_in_flight = 0
        self.url = ""
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self.chat, methods=["POST"]),
                Route("/v1/images/generations", self.images, methods=["POST"]),
            ]
        )

    def script(self, kind: Kind, *replies: Reply) -> None:
        self.scripts[kind].extend(replies)

    def calls(self, kind: Kind) -> list[ChatRequest]:
        return [r for r in self.requests if r.kind == kind]

    def _next(self, kind: Kind) -> Reply:
        queue = self.scripts[kind]
        return queue.popleft() if queue else Reply()

    async def chat(self, request: Request) -> Response:
        body = await request.json()
        chat = ChatRequest(body)
        if chat.format == "json_schema" and not self.json_schema:
            self.rejected.append(body)
            return _error(400, "response_format json_schema is not supported by this server")
        self.requests.append(chat)
        self.arrivals.append(time.monotonic())
        reply = self._next(chat.kind)
        arrived = time.monotonic()
        # The answer is made first and the delay counts from the request's arrival, so a reply
        # lands `delay_s` after it was asked for, however long this fake takes to compose it:
        # the time a model takes, not a model's time plus the fake's.
        content = (
            ""
            if reply.status != 200
            else (reply.content if reply.content is not None else self.answer(chat))
        )
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            wait = self.delay_s + reply.delay_s - (time.monotonic() - arrived)
            await asyncio.sleep(max(0.0, wait))
        finally:
            self.in_flight -= 1
        if reply.status != 200:
            return _error(reply.status, reply.error, reply.headers)
        prompt_chars = "".join(m["content"] for m in chat.messages)
        prompt, completion, cached = reply.usage or (_tokens(prompt_chars), _tokens(content), 0)
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached},
        }
        ident, model, created = f"chatcmpl-{uuid.uuid4().hex[:12]}", body["model"], int(time.time())
        if not body.get("stream"):
            return JSONResponse(
                {
                    "id": ident,
                    "object": "chat.completion",
                    "created": created,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": reply.finish_reason,
                        }
                    ],
                    **({"usage": usage} if reply.report_usage else {}),
                },
                headers=reply.headers,
            )
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        async def events() -> AsyncIterator[bytes]:
            def chunk(delta: dict[str, Any], finish: str | None, **extra: Any) -> bytes:
                data = {
                    "id": ident,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                    **extra,
                }
                return f"data: {json.dumps(data)}\n\n".encode()

            yield chunk({"role": "assistant", "content": ""}, None)
            step = max(1, len(content) // 8)
            for start in range(0, len(content), step):
                yield chunk({"content": content[start : start + step]}, None)
                await asyncio.sleep(0)
            yield chunk({}, reply.finish_reason)
            if include_usage and reply.report_usage:
                data = {
                    "id": ident,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": model,
                    "choices": [],
                    "usage": usage,
                }
                yield f"data: {json.dumps(data)}\n\n".encode()
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream", headers=reply.headers)

    async def images(self, request: Request) -> Response:
        body = await request.json()
        self.image_requests.append(body)
        reply = self._next("image")
        await asyncio.sleep(self.delay_s + reply.delay_s)
        if reply.status != 200:
            return _error(reply.status, reply.error, reply.headers)
        data = reply.content.encode() if reply.content is not None else tiny_png()
        return JSONResponse(
            {
                "created": int(time.time()),
                "data": [{"b64_json": base64.b64encode(data).decode()}],
                "usage": {
                    "input_tokens": _tokens(body.get("prompt", "")),
                    "output_tokens": 1056,
                    "total_tokens": 1056 + _tokens(body.get("prompt", "")),
                    "input_tokens_details": {"text_tokens": 10, "image_tokens": 0},
                },
            }
        )


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(
        {"error": {"message": message, "type": "fake_error", "code": None, "param": None}},
        status_code=status,
        headers=headers or {},
    )


@contextlib.asynccontextmanager
async def serving(fake: FakeOpenAI) -> AsyncIterator[FakeOpenAI]:
    """Serve `fake` on a free port of 127.0.0.1 in this event loop; `fake.url` is its base URL."""
    config = uvicorn.Config(fake.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    fake.url = f"http://127.0.0.1:{port}/v1"
    try:
        yield fake
    finally:
        server.should_exit = True
        await task
