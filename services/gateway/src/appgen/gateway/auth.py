"""Who is calling: an API key or a token from `Authorization: Bearer`, checked on every request.

Keys may only travel in the header. A short-lived token (POST /api/v1/tokens) may also travel as
`?access_token=` for the clients that cannot send headers (a browser's WebSocket, EventSource,
`<img>` or download link), so a long-lived key never ends up in a URL, a log or a history.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from appgen.gateway.deps import ResourcesDep
from appgen.gateway.problems import ProblemError
from appgen.gateway.resources import Resources
from appgen.gateway.settings import Settings
from appgen.gateway.tokens import TOKEN_PREFIX, TokenClaims
from appgen.gateway.urls import listens_beyond_loopback

TOKEN_QUERY = "access_token"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="appgen"'}


class InsecureSettings(ValueError):
    """The settings would expose the API beyond this machine without authentication."""


def check_exposure(settings: Settings) -> None:
    """Refuse `auth=off` on an address beyond loopback unless that was asked for explicitly."""
    if (
        settings.auth == "off"
        and listens_beyond_loopback(settings.gateway_host)
        and not settings.allow_public_without_auth
    ):
        raise InsecureSettings(
            f"refusing to serve {settings.gateway_host} without API keys: anyone on the network "
            "could spend your model budget. Set APPGEN_AUTH=keys, listen on 127.0.0.1, or set "
            "APPGEN_ALLOW_PUBLIC_WITHOUT_AUTH=true if you really mean it."
        )


@dataclass(frozen=True)
class Caller:
    """The key a request acts for; `key_id` is None only when authentication is off.

    `session_started` is set when a token was presented: when its key was last presented (unix
    seconds), which a renewal keeps."""

    key_id: str | None
    session_started: int | None = None


def _bearer(header: str | None) -> str | None:
    if header is None:
        return None
    scheme, _, credential = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise ProblemError(
            401, "The Authorization header must read `Bearer <key or token>`.", headers=_CHALLENGE
        )
    return credential.strip()


def unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, detail, headers=_CHALLENGE)


def client_address(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else "-"


def _check_throttle(conn: HTTPConnection, res: Resources) -> None:
    wait = res.throttle.retry_after(client_address(conn))
    if wait is not None:
        raise ProblemError(
            429,
            f"Too many wrong keys or tokens from this address; try again in {wait} s.",
            type_="urn:appgen:limit:auth_failures",
            headers={"Retry-After": str(wait)},
        )


async def authenticate(conn: HTTPConnection, res: Resources) -> Caller:
    """The caller of an HTTP request or WebSocket, or a 401 problem that says what is wrong
    (a 429 once this client address presented too many wrong keys or tokens)."""
    if res.settings.auth == "off":
        return Caller(None)
    try:
        return await _authenticate(conn, res)
    except ProblemError as error:
        if error.status == 401 and _presented(conn):
            res.throttle.failed(client_address(conn))
        raise


def _presented(conn: HTTPConnection) -> bool:
    return "authorization" in conn.headers or TOKEN_QUERY in conn.query_params


async def _authenticate(conn: HTTPConnection, res: Resources) -> Caller:
    if _presented(conn):
        _check_throttle(conn, res)
    credential = _bearer(conn.headers.get("authorization"))
    if credential is None:
        credential = conn.query_params.get(TOKEN_QUERY)
        if credential is not None and not credential.startswith(TOKEN_PREFIX):
            raise unauthorized(
                f"Only a short-lived token may travel in `?{TOKEN_QUERY}=` (POST /api/v1/tokens "
                "makes one); send keys in the Authorization header."
            )
    if not credential:
        raise unauthorized(
            "This endpoint needs an API key: send `Authorization: Bearer <key>` "
            "(`appgen keys create` makes one; `appgen up` writes a local one). For clients on "
            "this machine that send no key, run `appgen up --no-auth`."
        )
    if credential.startswith(TOKEN_PREFIX):
        claims = res.signer.read_token(credential)
        if claims is None:
            await res.keyring.reload_for(res.signer.token_kid(credential))
            claims = res.signer.read_token(credential)
        key = await res.keys.get(claims.key_id) if claims is not None else None
        if claims is None or key is None or key.revoked:
            raise unauthorized(_why_not(res, credential))
        return Caller(key.key_id, session_started=session_start(res, claims))
    verified = await res.keys.verify(credential)
    if verified is None:
        raise unauthorized("The API key is unknown or revoked.")
    return Caller(verified.key_id)


def session_start(res: Resources, claims: TokenClaims) -> int:
    """When the token's session started (a key was presented); for a token from before
    sessions, when it was made."""
    if claims.started is not None:
        return claims.started
    return claims.expires - res.settings.token_ttl_s


def _why_not(res: Resources, token: str) -> str:
    claims = res.signer.read_token(token, expired=True)
    if claims is not None and claims.expires < time.time():
        if time.time() >= session_start(res, claims) + res.settings.session_max_s:
            return (
                f"The token's session ended: tokens renew themselves for at most "
                f"{res.settings.session_max_s} s (APPGEN_SESSION_MAX_S) after a key was presented; "
                "present the key again (POST /api/v1/tokens)."
            )
        return "The token expired; renew it before it does, or present the key again."
    return "The token is invalid, expired, signed with a retired key, or its key was revoked."


async def require_caller(conn: HTTPConnection, res: ResourcesDep) -> Caller:
    """The request's caller, authenticated once per request (the app's guard runs first)."""
    caller = getattr(conn.state, "caller", None)
    if not isinstance(caller, Caller):
        caller = await authenticate(conn, res)
        conn.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(require_caller)]
