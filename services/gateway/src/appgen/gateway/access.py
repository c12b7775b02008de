"""Ownership: a project belongs to the key that created it, and is invisible to every other key.

The check lives here once. `guard` runs before every HTTP route of the app: any route under the
API (or the compatibility API) needs a caller, and any route with a `{project_id}` in its path
needs that project to be the caller's, so a route added later is covered without doing anything.
Routes also take their id through `OwnedProjectId`, which documents the 404 and reuses the
guard's answer. Another key's project and a project that does not exist get the same 404: a
caller cannot learn which ids exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from appgen.events import is_project_id
from appgen.gateway.auth import Caller, CallerDep, require_caller
from appgen.gateway.deps import ProjectIdPath, ResourcesDep
from appgen.gateway.queries import missing
from appgen.gateway.resources import Resources


async def project_owner(res: Resources, project_id: str) -> tuple[bool, str | None]:
    """(whether the project exists, the key id that created it or None)."""
    return await res.log.owner(project_id)


def may_see(caller: Caller, exists: bool, owner: str | None) -> bool:
    # With authentication off there is no one to tell apart.
    return exists and (caller.key_id is None or owner == caller.key_id)


async def owns(res: Resources, caller: Caller, project_id: str) -> bool:
    """Whether the project exists for this caller (another key's project does not)."""
    return may_see(caller, *await project_owner(res, project_id))


async def require_owned(res: Resources, caller: Caller, project_id: str) -> None:
    if not await owns(res, caller, project_id):
        raise missing(project_id)


async def owned_project(
    conn: HTTPConnection, project_id: ProjectIdPath, caller: CallerDep, res: ResourcesDep
) -> str:
    if getattr(conn.state, "owned_project", None) != project_id:
        await require_owned(res, caller, project_id)
        # The links this request hands out are the current ones, whichever process replaced
        # the last (lists and live events catch up within APPGEN_SIGNING_REFRESH_S).
        await res.keyring.refresh_link(project_id)
        conn.state.owned_project = project_id
    return project_id


# Paths that answer without a key: the page, health, metrics, previews (their link is the
# secret), the page's own token, and the OpenAPI and AsyncAPI documents.
PUBLIC_PREFIXES = ("/preview/", "/static/", "/docs", "/redoc")
PUBLIC_PATHS = frozenset(
    {"/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/asyncapi.json", "/api/v1/session"}
)


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


async def guard(conn: HTTPConnection) -> None:
    """Authenticate every non-public HTTP request and check ownership of a `{project_id}`.

    WebSockets authenticate in their route, which answers with a close code instead.
    """
    if conn.scope["type"] != "http" or is_public(conn.url.path):
        return
    res: Resources = conn.app.state.resources
    caller = await require_caller(conn, res)
    project_id = conn.path_params.get("project_id")
    if isinstance(project_id, str) and is_project_id(project_id):
        await owned_project(conn, project_id, caller, res)


OwnedProjectId = Annotated[str, Depends(owned_project)]
