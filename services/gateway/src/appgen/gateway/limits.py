"""Request bodies: JSON only, and no bigger than the configured limit (413/415 as problems)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from appgen.gateway.problems import problem_response

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class BodyLimits:
    """Reads a body up to `max_bytes` before the app sees it, and rejects non-JSON bodies."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(
                scope, receive, send, 413, f"Bodies are limited to {self.max_bytes} bytes."
            )
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await self._reject(
                    scope, receive, send, 413, f"Bodies are limited to {self.max_bytes} bytes."
                )
                return
        if body and not _is_json(headers.get("content-type", "")):
            await self._reject(
                scope, receive, send, 415, f"{path} takes a JSON body (application/json)."
            )
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(
        self, scope: Scope, receive: Receive, send: Send, status: int, detail: str
    ) -> None:
        response = problem_response(status, detail, instance=scope["path"])
        await response(scope, receive, send)
