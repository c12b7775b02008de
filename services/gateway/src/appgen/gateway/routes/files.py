"""REST: a project's files at a position, the app as a zip, and a QR code of its preview."""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

import segno
from fastapi import APIRouter, Query, Request, Response

from appgen.gateway import queries
from appgen.gateway.access import OwnedProjectId
from appgen.gateway.bodies import FileEntry, FileTree
from appgen.gateway.content import zip_files
from appgen.gateway.deps import MAX_POSITION, ResourcesDep
from appgen.gateway.expo_export import expo_zip
from appgen.gateway.problems import Problem
from appgen.gateway.urls import API, origin, phone_origin, preview_path

router = APIRouter(prefix=API, tags=["files"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such project."}
}
At = Annotated[
    int | None,
    Query(ge=0, le=MAX_POSITION, description="As of this position (default: the newest)."),
]


@router.get("/projects/{project_id}/files", response_model=FileTree, responses=NOT_FOUND)
async def list_files(
    project_id: OwnedProjectId, request: Request, res: ResourcesDep, at: At = None
) -> FileTree:
    """The project's file tree at a position: each path's latest write."""
    tree = await queries.file_tree(res, project_id, at=at)
    base = f"{origin(request, res.settings)}{preview_path(request, project_id)}@{tree.position}/"
    return FileTree(
        project_id=project_id,
        position=tree.position,
        files=[
            FileEntry(
                path=w.path,
                content_type=w.content_type,
                size=w.size,
                sha256=w.sha256,
                blob=w.blob,
                url=base + w.path,
            )
            for w in sorted(tree.files.values(), key=lambda w: w.path)
        ],
    )


@router.get(
    "/projects/{project_id}/export",
    response_class=Response,
    responses={
        200: {"content": {"application/zip": {}}, "description": "The app's files as a zip."},
        **NOT_FOUND,
        409: {"model": Problem, "description": "`expo`: the project has no spec yet there."},
    },
)
async def export(
    project_id: OwnedProjectId,
    res: ResourcesDep,
    format: Annotated[
        Literal["web", "expo"],
        Query(
            description="`web`: the files as the preview serves them; `expo`: an Expo "
            "Router TypeScript project for Expo SDK 54, rendered from the spec at that position."
        ),
    ] = "web",
    at: At = None,
) -> Response:
    """The app as a zip: the web app exactly as the preview serves it, or the Expo project."""
    if format == "expo":
        data = await expo_zip(res, project_id, at=at)
    else:
        tree = await queries.file_tree(res, project_id, at=at)
        data = await zip_files(res.blobs, tree.files, folder=project_id)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{project_id}-{format}.zip"'},
    )


@router.get(
    "/projects/{project_id}/qr",
    response_class=Response,
    responses={
        200: {
            "content": {"image/svg+xml": {}, "image/png": {}},
            "description": "A QR code of the preview URL, made locally.",
        },
        **NOT_FOUND,
    },
)
async def qr_code(
    project_id: OwnedProjectId,
    request: Request,
    res: ResourcesDep,
    format: Literal["svg", "png"] = "svg",
    scale: Annotated[int, Query(ge=1, le=40)] = 8,
) -> Response:
    """A QR code of the preview URL, on the LAN address when the gateway listens beyond loopback."""
    url = f"{phone_origin(request, res.settings)}{preview_path(request, project_id)}"
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    if format == "png":
        code.save(buffer, kind="png", scale=scale, border=2)
        media = "image/png"
    else:
        code.save(buffer, kind="svg", scale=scale, border=2, xmldecl=False)
        media = "image/svg+xml"
    return Response(buffer.getvalue(), media_type=media, headers={"X-Preview-Url": url})
