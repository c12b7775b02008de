"""Who is calling: an API key or a token from `Authorization: Bearer`, checked on every request.

Keys may only travel in the header. A short-lived token (POST /api/v1/tokens) may also travel as
`?access_token=` for the clients that cannot send headers (a browser's WebSocket, EventSource,
`<img>` or download link), so a long-lived key never ends up in a URL, a log or a history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from appgen.gateway.deps import RuntimeDep
from appgen.gateway.problems import ProblemError
from appgen.gateway.runtime import Runtime
from appgen.gateway.settings import Settings
from appgen.gateway.tokens import TOKEN_PREFIX
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
    """The key a request acts for; `key_id` is None only when authentication is off."""

    key_id: str | None


def _bearer(header: str | None) -> str | None:
    if header is None:
        return None
    scheme, _, credential = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise ProblemError(
            401, "The Authorization header must read `Bearer <key or token>`.", headers=_CHALLENGE
        )
    return credential.strip()


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, detail, headers=_CHALLENGE)


async def authenticate(conn: HTTPConnection, rt: Runtime) -> Caller:
    """The caller of an HTTP request or WebSocket, or a 401 problem that says what is wrong."""
    if rt.settings.auth == "off":
        return Caller(None)
    credential = _bearer(conn.headers.get("authorization"))
    if credential is None:
        credential = conn.query_params.get(TOKEN_QUERY)
        if credential is not None and not credential.startswith(TOKEN_PREFIX):
            raise _unauthorized(
                f"Only a short-lived token may travel in `?{TOKEN_QUERY}=` (POST /api/v1/tokens "
                "makes one); send keys in the Authorization header."
            )
    if not credential:
        raise _unauthorized(
            "This endpoint needs an API key: send `Authorization: Bearer <key>` "
            "(`appgen keys create` makes one; `appgen up` writes a local one). For clients on "
            "this machine that send no key, run `appgen up --no-auth`."
        )
    if credential.startswith(TOKEN_PREFIX):
        key_id = rt.signer.token_key(credential)
        key = await rt.keys.get(key_id) if key_id is not None else None
        if key is None or key.revoked:
            raise _unauthorized("The token is invalid, expired, or its key was revoked.")
        return Caller(key.key_id)
    verified = await rt.keys.verify(credential)
    if verified is None:
        raise _unauthorized("The API key is unknown or revoked.")
    return Caller(verified.key_id)


async def require_caller(conn: HTTPConnection, rt: RuntimeDep) -> Caller:
    """The request's caller, authenticated once per request (the app's guard runs first)."""
    caller = getattr(conn.state, "caller", None)
    if not isinstance(caller, Caller):
        caller = await authenticate(conn, rt)
        conn.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(require_caller)]
