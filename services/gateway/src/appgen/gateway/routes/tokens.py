"""Short-lived tokens: for clients that cannot send an Authorization header, and for the page.

`POST /api/v1/tokens` trades a key for a new token, which starts a session, or a token for a new
one of the same session, refused once the session is `APPGEN_SESSION_MAX_S` old: a leaked token
cannot keep itself alive, the key is needed again. `GET /api/v1/session` gives the
page served on this machine a token of the local key `appgen up` made, so a new user notices no
keys at all; it answers only when the gateway listens on loopback, the request comes from
loopback under one of the gateway's own host names (`appgen.gateway.hosts`), and the browser says
the request is the page's own `fetch` (Fetch Metadata). A preview cannot ask: its CSP limits its
connections to its own path (docs/security.md). `POST /api/v1/projects/{id}/preview-link` makes
a new preview link and revokes the older ones.
"""

from __future__ import annotations

import ipaddress
import time
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from appgen.gateway.access import OwnedProjectId
from appgen.gateway.auth import Caller, CallerDep, unauthorized
from appgen.gateway.deps import ResourcesDep
from appgen.gateway.hosts import require_allowed_host
from appgen.gateway.problems import Problem, ProblemError
from appgen.gateway.resources import Resources
from appgen.gateway.urls import API, listens_beyond_loopback, origin

router = APIRouter(prefix=API, tags=["auth"])


class Token(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer` or `?access_token=`.")
    expires_at: datetime
    key_id: str | None = Field(description="The key the token acts for.")


class PreviewLink(BaseModel):
    preview_url: str = Field(description="The project's only valid preview link from now on.")
    expires_at: datetime | None = Field(description="When it stops working (none: never).")


def _token(res: Resources, key_id: str, started: int | None = None) -> Token:
    until = None if started is None else started + res.settings.session_max_s
    token, expires = res.signer.token(
        key_id, res.settings.token_ttl_s, started=started, until=until
    )
    return Token(token=token, expires_at=datetime.fromtimestamp(expires, UTC), key_id=key_id)


@router.post(
    "/tokens",
    status_code=201,
    response_model=Token,
    responses={
        401: {"model": Problem, "description": "No valid key or token, or the session ended."}
    },
)
async def create_token(caller: CallerDep, res: ResourcesDep) -> Token:
    """A short-lived token for the calling key (`APPGEN_TOKEN_TTL_S`, 15 minutes by default).

    With a key, a new session starts; with a token, the new token belongs to the same session
    and expires no later than `APPGEN_SESSION_MAX_S` after its start (12 hours by default),
    after which only the key makes another."""
    if caller.key_id is None:
        raise ProblemError(409, "Authentication is off: there are no keys to make tokens for.")
    started = caller.session_started
    if started is not None and time.time() >= started + res.settings.session_max_s:
        raise unauthorized(
            f"The session ended: a token renews itself for at most {res.settings.session_max_s} s "
            "(APPGEN_SESSION_MAX_S) after its key was presented; present the key again."
        )
    return _token(res, caller.key_id, started)


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _page_may_have_token(request: Request, res: Resources) -> str | None:
    """Why the local key's token is not handed out, or None when it may be."""
    if res.settings.local_key_file is None:
        return "this gateway has no local key (appgen up makes one)"
    if listens_beyond_loopback(res.settings.gateway_host):
        return "the gateway listens beyond loopback; use an API key"
    if not _loopback(request.client.host if request.client else None):
        return "only a browser on this machine gets the local key"
    headers = request.headers
    # Browsers set these and scripts cannot forge them: only the page's own fetch() passes.
    if headers.get("sec-fetch-site") != "same-origin" or headers.get("sec-fetch-dest") != "empty":
        return "only the gateway's own page gets the local key"
    return None


@router.get(
    "/session",
    response_model=Token,
    responses={
        403: {"model": Problem, "description": "Not the local page; use a key."},
        421: {"model": Problem, "description": "Not one of the gateway's host names."},
    },
    dependencies=[Depends(require_allowed_host)],
)
async def page_session(request: Request, res: ResourcesDep) -> Token:
    """The page's token for the local key: same-origin `fetch` from loopback only."""
    if res.settings.auth == "off":
        return Token(token="", expires_at=datetime.now(UTC), key_id=None)
    refused = _page_may_have_token(request, res)
    if refused is None:
        assert res.settings.local_key_file is not None
        try:
            key = res.settings.local_key_file.read_text().strip()
        except OSError:
            key = ""
        verified = await res.keys.verify(key) if key else None
        if verified is not None:
            return _token(res, verified.key_id)
        refused = "the local key file is missing or its key was revoked"
    raise ProblemError(403, f"No session: {refused}.")


@router.post(
    "/projects/{project_id}/preview-link",
    response_model=PreviewLink,
    responses={404: {"model": Problem, "description": "No such project."}},
)
async def new_preview_link(
    project_id: OwnedProjectId, request: Request, res: ResourcesDep
) -> PreviewLink:
    """A new preview link for the project; every older link stops working at once, on every
    gateway (the QR code and `preview_url` in later responses carry the new one). It expires
    after `APPGEN_PREVIEW_LINK_TTL` seconds when that is set."""
    await res.keyring.new_link(project_id)
    now, ttl = time.time(), res.settings.preview_link_ttl
    link = res.signer.preview_token(project_id, now=now)
    return PreviewLink(
        preview_url=f"{origin(request, res.settings)}/preview/{link}/",
        expires_at=None if ttl is None else datetime.fromtimestamp(int(now + ttl), UTC),
    )


__all__ = ["Caller", "router"]
