"""Short-lived signed tokens and unguessable preview links, signed with keys all gateways share.

A token reads `tok.<kid>.<key id>.<session start>.<expiry>.<signature>`: it stands for its key
until it expires (and only while the key is not revoked, which the gateway checks on every use).
The session start is when a key was last presented; a renewal keeps it, so a token cannot renew
itself past the session's absolute lifetime. It exists so a browser can authenticate a WebSocket
or an EventSource (which cannot send headers) without the long-lived key in a URL.

A preview link's token is `<project id>.<kid>.<generation>.<expiry or 0>.<signature>`: it opens
that project's preview and nothing else, while its generation is the project's current one.

`<kid>` names the signing key. The newest key signs; every key not yet retired verifies. Tokens
and links from before key ids (`tok.<key id>.<expiry>.<sig>`, `<project id>.<sig>`) verify with
the `legacy` key until it is retired.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from appgen.events import is_project_id
from appgen.store import LEGACY_KID, SigningKey

TOKEN_PREFIX = "tok."
_SIGNATURE_CHARS = 22  # 132 bits of an HMAC-SHA256


def _sign(secret: bytes, purpose: str, message: str) -> str:
    digest = hmac.new(secret, f"{purpose}:{message}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:_SIGNATURE_CHARS]


def _same(signature: str, expected: str) -> bool:
    return hmac.compare_digest(signature.encode(), expected.encode())


def _now(now: float | None) -> float:
    return time.time() if now is None else now


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says. `started` is None for a legacy token (it did not say)."""

    kid: str
    key_id: str
    started: int | None
    expires: int


@dataclass(frozen=True)
class LinkClaims:
    """What a valid preview link says; its generation is still to be compared with the store's."""

    kid: str
    project_id: str
    generation: int
    expires: int | None


class Signer:
    """Signs with the newest active key and verifies with any active one, by its id.

    The key set and the projects' link generations are replaced as a whole by whoever refreshes
    them (`appgen.gateway.keyring`), so signing stays synchronous.
    """

    def __init__(
        self,
        keys: Sequence[SigningKey],
        *,
        link_ttl_s: int | None = None,
        generations: Mapping[str, int] | None = None,
    ) -> None:
        self.link_ttl_s = link_ttl_s
        self._keys: dict[str, SigningKey] = {}
        self._order: list[SigningKey] = []
        self._generations: dict[str, int] = {}
        self.use(keys, generations or {})

    def use(self, keys: Sequence[SigningKey], generations: Mapping[str, int]) -> None:
        """Take a new key set (oldest first) and every project's current link generation."""
        self._order = sorted(keys, key=lambda key: key.created_at)
        self._keys = {key.kid: key for key in self._order}
        self._generations = dict(generations)

    def set_generation(self, project_id: str, generation: int) -> None:
        self._generations[project_id] = generation

    def generation(self, project_id: str) -> int:
        return self._generations.get(project_id, 0)

    def knows(self, kid: str) -> bool:
        return kid in self._keys

    def _secret(self, kid: str, now: float | None) -> bytes | None:
        key = self._keys.get(kid)
        if key is None or (key.retire_at is not None and key.retire_at.timestamp() <= _now(now)):
            return None
        return key.secret

    def _signing_key(self, now: float | None) -> SigningKey:
        for key in reversed(self._order):
            if key.retire_at is None or key.retire_at.timestamp() > _now(now):
                return key
        raise RuntimeError("no active signing key (the key set was never loaded?)")

    # Tokens.

    def token(
        self,
        key_id: str,
        ttl_s: int,
        *,
        started: int | None = None,
        until: int | None = None,
        now: float | None = None,
    ) -> tuple[str, int]:
        """A token for `key_id` and when it expires (unix seconds): `ttl_s` from now, but never
        after `until`. `started` is its session's start (default: now, a new session)."""
        moment = _now(now)
        expires = int(moment + ttl_s)
        if until is not None:
            expires = min(expires, until)
        start = int(moment) if started is None else started
        key = self._signing_key(now)
        body = f"{key.kid}.{key_id}.{start}.{expires}"
        return f"{TOKEN_PREFIX}{body}.{_sign(key.secret, 'token', body)}", expires

    @staticmethod
    def token_kid(token: str) -> str | None:
        """The signing key a token names (`legacy` for the old format), or None if malformed."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        parts = token.removeprefix(TOKEN_PREFIX).split(".")
        if len(parts) == 5:
            return parts[0]
        return LEGACY_KID if len(parts) == 3 else None

    def read_token(
        self, token: str, *, now: float | None = None, expired: bool = False
    ) -> TokenClaims | None:
        """What a valid, unexpired token says, or None (`expired`: an expired one too)."""
        kid = self.token_kid(token)
        secret = self._secret(kid, now) if kid is not None else None
        if kid is None or secret is None:
            return None
        parts = token.removeprefix(TOKEN_PREFIX).split(".")
        if len(parts) == 3:
            key_id, expires, signature = parts
            started = None
            valid = _same(signature, _sign(secret, "token", f"{key_id}.{expires}"))
        else:
            _, key_id, start, expires, signature = parts
            valid = _same(signature, _sign(secret, "token", ".".join(parts[:4])))
            started = int(start) if start.isdigit() else None
            valid = valid and started is not None
        if not valid or not expires.isdigit() or (int(expires) < _now(now) and not expired):
            return None
        return TokenClaims(kid=kid, key_id=key_id, started=started, expires=int(expires))

    def token_key(self, token: str, *, now: float | None = None) -> str | None:
        """The key id a valid, unexpired token stands for, or None."""
        claims = self.read_token(token, now=now)
        return None if claims is None else claims.key_id

    # Preview links.

    def preview_token(self, project_id: str, *, now: float | None = None) -> str:
        """The project's current link: newest key, current generation, the configured expiry."""
        key = self._signing_key(now)
        expires = 0 if self.link_ttl_s is None else int(_now(now) + self.link_ttl_s)
        body = f"{project_id}.{key.kid}.{self.generation(project_id)}.{expires}"
        return f"{body}.{_sign(key.secret, 'preview', body)}"

    @staticmethod
    def link_kid(token: str) -> str | None:
        """The signing key a link names (`legacy` for the old format), or None if malformed."""
        parts = token.split(".")
        if len(parts) == 5:
            return parts[1]
        return LEGACY_KID if len(parts) == 2 else None

    def read_preview(self, token: str, *, now: float | None = None) -> LinkClaims | None:
        """What a valid, unexpired link says, or None for anything forged, malformed, expired,
        or without an expiry while links must have one (`APPGEN_PREVIEW_LINK_TTL`)."""
        parts = token.split(".")
        if len(parts) not in (2, 5) or not is_project_id(parts[0]):
            return None
        kid = LEGACY_KID if len(parts) == 2 else parts[1]
        secret = self._secret(kid, now)
        if secret is None:
            return None
        if len(parts) == 2:
            project_id, signature = parts
            generation, expires = "0", "0"
            expected = _sign(secret, "preview", project_id)
        else:
            project_id, _, generation, expires, signature = parts
            expected = _sign(secret, "preview", ".".join(parts[:4]))
        if not _same(signature, expected) or not (generation.isdigit() and expires.isdigit()):
            return None
        until = int(expires) or None
        if until is None and self.link_ttl_s is not None:
            return None
        if until is not None and until < _now(now):
            return None
        return LinkClaims(kid=kid, project_id=project_id, generation=int(generation), expires=until)

    def preview_path(self, project_id: str) -> str:
        return f"/preview/{self.preview_token(project_id)}/"
