"""Short-lived signed tokens and unguessable preview links, from one secret all gateways share.

A token reads `tok.<key id>.<expiry, unix seconds>.<signature>`: it stands for its key until it
expires (and only while the key is not revoked, which the gateway checks on every use). It exists
so a browser can authenticate a WebSocket or an EventSource (which cannot send headers) without
the long-lived key in a URL. A preview link's token is `<project id>.<signature>`: it opens that
project's preview and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from appgen.events import is_project_id

TOKEN_PREFIX = "tok."
_SIGNATURE_CHARS = 22  # 132 bits of an HMAC-SHA256


def _sign(secret: bytes, purpose: str, message: str) -> str:
    digest = hmac.new(secret, f"{purpose}:{message}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:_SIGNATURE_CHARS]


@dataclass(frozen=True)
class Signer:
    secret: bytes

    def token(self, key_id: str, ttl_s: int, *, now: float | None = None) -> tuple[str, int]:
        """A token for `key_id` and when it expires (unix seconds)."""
        expires = int((time.time() if now is None else now) + ttl_s)
        body = f"{key_id}.{expires}"
        return f"{TOKEN_PREFIX}{body}.{_sign(self.secret, 'token', body)}", expires

    def token_key(self, token: str, *, now: float | None = None) -> str | None:
        """The key id a valid, unexpired token stands for, or None."""
        parts = token.removeprefix(TOKEN_PREFIX).split(".")
        if not token.startswith(TOKEN_PREFIX) or len(parts) != 3:
            return None
        key_id, expires, signature = parts
        expected = _sign(self.secret, "token", f"{key_id}.{expires}")
        if not hmac.compare_digest(signature.encode(), expected.encode()):
            return None
        if not expires.isdigit() or int(expires) < (time.time() if now is None else now):
            return None
        return key_id

    def preview_token(self, project_id: str) -> str:
        return f"{project_id}.{_sign(self.secret, 'preview', project_id)}"

    def preview_project(self, token: str) -> str | None:
        """The project a preview token opens, or None for anything forged or malformed."""
        project_id, dot, signature = token.partition(".")
        if not dot or not is_project_id(project_id):
            return None
        expected = _sign(self.secret, "preview", project_id)
        if not hmac.compare_digest(signature.encode(), expected.encode()):
            return None
        return project_id

    def preview_path(self, project_id: str) -> str:
        return f"/preview/{self.preview_token(project_id)}/"
