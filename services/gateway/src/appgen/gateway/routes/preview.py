"""The preview server: the app's files at the newest position or at any earlier one.

URLs: `/preview/{id}/{path}` is the newest (HTML gets the live-reload script);
`/preview/{id}/@{position}/{path}` is the app as it stood at `position`, so relative module and
asset URLs in a time-travelled page resolve at the same position; `?at=N` redirects there.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from appgen.events import FileWrite, check_relative_path
from appgen.gateway import queries
from appgen.gateway.content import file_bytes
from appgen.gateway.deps import MAX_POSITION, ProjectIdPath, RuntimeDep
from appgen.gateway.livereload import inject, live_script
from appgen.gateway.problems import Problem, ProblemError

router = APIRouter(prefix="/preview", tags=["preview"])

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'self'"
)
SAFETY = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
LIVE = "__live.js"
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


@router.get("/{project_id}", include_in_schema=False)
async def preview_root(project_id: ProjectIdPath) -> RedirectResponse:
    return RedirectResponse(f"/preview/{project_id}/", status_code=308)


@router.get("/{project_id}/{path:path}", response_class=Response, responses=RESPONSES)
async def preview_file(
    project_id: ProjectIdPath,
    path: str,
    request: Request,
    rt: RuntimeDep,
    at: Annotated[
        int | None,
        Query(ge=0, le=MAX_POSITION, description="Time travel: the app at this position."),
    ] = None,
) -> Response:
    """A file of the app's preview (see the module docs for the URL scheme)."""
    if path == LIVE:
        return Response(live_script(), media_type="text/javascript", headers=SAFETY)
    pinned, file_path = _split(path)
    if pinned is None and at is not None:
        # Relative URLs in the page must resolve at the same position, so the position moves
        # into the path.
        return RedirectResponse(f"/preview/{project_id}/@{at}/{path}", status_code=307)
    await queries.require_project(rt, project_id)
    tree = await queries.file_tree(rt, project_id, at=pinned)
    write = tree.files.get(file_path)
    if write is None:
        raise ProblemError(404, f"No file {file_path} at position {tree.position}.")
    live = pinned is None and _is_html(write)
    etag = f'"{write.sha256}-{tree.position}"' if live else f'"{write.sha256}"'
    headers = dict(SAFETY, ETag=etag)
    # A pinned position at or below what is recorded never changes; the newest may at any time.
    frozen = pinned is not None and pinned <= tree.position
    headers["Cache-Control"] = "public, max-age=31536000, immutable" if frozen else "no-cache"
    if etag in _etags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    body = await file_bytes(rt.blobs, write)
    if live:
        body = inject(body, project_id, tree.position)
    return Response(body, media_type=write.content_type, headers=headers)


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}
