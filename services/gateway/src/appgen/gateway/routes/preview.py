"""The preview server: the app's files at the newest position or at any earlier one.

URLs: `/preview/{token}/{path}` is the newest (HTML gets the live-reload script);
`/preview/{token}/@{position}/{path}` is the app as it stood at `position`, so relative module and
asset URLs in a time-travelled page resolve at the same position; `?at=N` redirects there.
`{token}` is the project's signed preview token (`appgen.gateway.tokens`): the link is all a
phone needs, and it opens the app's files and a reload signal, nothing else of the project, while
it is the project's current link (not replaced by a newer one) and has not expired.

A preview shares the gateway's origin, so its Content-Security-Policy confines what a generated
page can reach: `connect-src` is this preview's own path (no fetch, EventSource or JSON import of
the API or the page), no frames, no plugins. Credentials are bearer headers that the browser
never adds by itself, so a request a preview could still make (an image, a navigation) carries
none. docs/security.md has the whole argument.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from sse_starlette import EventSourceResponse

from appgen.events import (
    EditApplied,
    FilesWritten,
    FileWrite,
    ProjectCompleted,
    ProjectFailed,
    check_relative_path,
)
from appgen.gateway import queries
from appgen.gateway.content import file_bytes
from appgen.gateway.deps import MAX_POSITION, ResourcesDep
from appgen.gateway.livereload import inject, live_script
from appgen.gateway.messages import FeedItem
from appgen.gateway.problems import Problem, ProblemError
from appgen.gateway.resources import Resources
from appgen.gateway.routes.sse import events
from appgen.gateway.urls import origin

router = APIRouter(prefix="/preview", tags=["preview"])

GONE = (
    "No such preview: the link is wrong, has expired, was signed with a retired key, or was "
    "replaced by a newer link (its owner can get the current one)."
)
LIVE = "__live.js"
LIVE_EVENTS = "__events"
PreviewToken = Annotated[
    str, Path(max_length=160, description="The preview token from the project's preview_url.")
]


def csp(base: str) -> str:
    """The policy of one preview: scripts, styles and images from the gateway; connections
    only to this preview's own path (`base`, ending in `/`)."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob:; connect-src {base}; worker-src 'self'; "
        "frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'self'"
    )


def safety(request: Request, token: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp(
            f"{origin(request, request.app.state.settings)}/preview/{token}/"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        # The page embeds previews in a sandboxed (opaque-origin) frame, whose module scripts
        # are CORS requests. Previews are public to whoever holds the link and carry no
        # credentials, so any origin may read them.
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }


async def preview_project(res: Resources, token: str) -> str:
    """The project a link opens, or a 404 for a forged, expired, retired or replaced link."""
    claims = res.signer.read_preview(token)
    if claims is None:
        await res.keyring.reload_for(res.signer.link_kid(token))
        claims = res.signer.read_preview(token)
    if claims is None:
        raise ProblemError(404, GONE)
    # Read where every gateway agrees, so a replaced link stops everywhere at once.
    current = await res.keyring.store.link_generation(claims.project_id)
    if claims.generation != current:
        res.signer.set_generation(claims.project_id, current)
        raise ProblemError(404, GONE)
    return claims.project_id


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "The file."},
    404: {"model": Problem, "description": "No such project or file."},
}


def _split(path: str) -> tuple[int | None, str]:
    """(`position` of an `@position/` prefix or None, the file path; `index.html` for a folder)."""
    at: int | None = None
    head, sep, rest = path.partition("/")
    if head.startswith("@"):
        digits = head[1:]
        if not digits.isascii() or not digits.isdigit() or len(digits) > 18:
            raise ProblemError(404, "Not a position.")
        at, path = int(digits), rest if sep else ""
    if path == "" or path.endswith("/"):
        path += "index.html"
    try:
        check_relative_path(path)
    except ValueError:
        raise ProblemError(404, "No such file.") from None
    return at, path


def _is_html(write: FileWrite) -> bool:
    return write.content_type.split(";")[0].strip() == "text/html"


@router.get("/{token}", include_in_schema=False)
async def preview_root(token: PreviewToken, res: ResourcesDep) -> RedirectResponse:
    await preview_project(res, token)
    return RedirectResponse(f"/preview/{token}/", status_code=308)


@router.get(
    "/{token}/" + LIVE_EVENTS,
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Reload signals."},
        404: {"model": Problem, "description": "No such preview."},
    },
)
async def preview_events(
    token: PreviewToken,
    request: Request,
    res: ResourcesDep,
    since: Annotated[int, Query(ge=0, le=MAX_POSITION)] = 0,
) -> EventSourceResponse:
    """For the live-reload script: one message per later event, saying only whether the
    preview should reload (`{"reload": bool, "done": bool}`), never what happened."""
    project_id = await preview_project(res, token)
    await queries.require_project(res, project_id)
    return EventSourceResponse(
        events(res, project_id, since, shape=reload_signal),
        ping=res.settings.heartbeat_s,
        send_timeout=30,
        headers={"Cache-Control": "no-store", **safety(request, token)},
    )


def reload_signal(item: FeedItem) -> str:
    """Reload on files written, on the end of the generation and on an applied edit. The signal
    never says `done` any more: a complete app can still be edited, and an open preview (or a
    phone that scanned the QR code) follows each new version."""
    event = item.event
    wrote = isinstance(event, FilesWritten) and bool(event.files or event.removed)
    landed = isinstance(event, ProjectCompleted | ProjectFailed | EditApplied)
    return json.dumps({"reload": wrote or landed, "done": False})


@router.get("/{token}/{path:path}", response_class=Response, responses=RESPONSES)
async def preview_file(
    token: PreviewToken,
    path: str,
    request: Request,
    res: ResourcesDep,
    at: Annotated[
        int | None,
        Query(ge=0, le=MAX_POSITION, description="Time travel: the app at this position."),
    ] = None,
) -> Response:
    """A file of the app's preview (see the module docs for the URL scheme)."""
    project_id = await preview_project(res, token)
    headers = safety(request, token)
    if path == LIVE:
        return Response(live_script(), media_type="text/javascript", headers=headers)
    pinned, file_path = _split(path)
    if pinned is None and at is not None:
        # Relative URLs in the page must resolve at the same position, so the position moves
        # into the path.
        return RedirectResponse(f"/preview/{token}/@{at}/{path}", status_code=307)
    await queries.require_project(res, project_id)
    tree = await queries.file_tree(res, project_id, at=pinned)
    write = tree.files.get(file_path)
    if write is None:
        raise ProblemError(404, f"No file {file_path} at position {tree.position}.")
    live = pinned is None and _is_html(write)
    etag = f'"{write.sha256}-{tree.position}"' if live else f'"{write.sha256}"'
    headers["ETag"] = etag
    # A pinned position the stream has already passed never changes; the newest may at any
    # time. The tree is read from the whole log, never from a store with a hole.
    frozen = pinned is not None and pinned <= res.hub.high_water
    headers["Cache-Control"] = "public, max-age=31536000, immutable" if frozen else "no-cache"
    if etag in _etags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    body = await file_bytes(res.blobs, write)
    if live:
        body = inject(body, token, tree.position)
    return Response(body, media_type=write.content_type, headers=headers)


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}
