"""The native stage in the gateway (docs/expo.md): Expo Go for a project (start its Metro dev
server, read its status), and the newest native web build under the preview's link."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import segno
from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from appgen.gateway.access import OwnedProjectId
from appgen.gateway.deps import ResourcesDep
from appgen.gateway.native import (
    NativePreview,
    latest_build,
    preview_status,
    start_preview,
    with_token,
)
from appgen.gateway.problems import Problem, ProblemError
from appgen.gateway.routes.preview import RESPONSES as FILE_RESPONSES
from appgen.gateway.routes.preview import PreviewToken, preview_project, safety
from appgen.gateway.urls import listens_beyond_loopback, phone_origin

router = APIRouter(prefix="/api/v1", tags=["native"])
# Included before the preview router, whose catch-all would take these paths.
files = APIRouter(prefix="/preview", tags=["preview"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such project."},
}


@router.post(
    "/projects/{project_id}/native-preview",
    status_code=202,
    response_model=NativePreview,
    responses={
        **RESPONSES,
        429: {"model": Problem, "description": "Every Expo Go server is in use; see Retry-After."},
        503: {"model": Problem, "description": "No native service can run Expo Go."},
    },
)
async def start_native_preview(
    project_id: OwnedProjectId, request: Request, res: ResourcesDep
) -> NativePreview:
    """Start a Metro dev server (`expo start`, offline, no Expo account) for the project's
    newest version, or keep the running one from its idle timeout. Follow it with GET."""
    host = None
    settings = res.settings
    if settings.public_url or listens_beyond_loopback(settings.gateway_host):
        host = urlsplit(phone_origin(request, settings)).hostname
    await start_preview(res, project_id, host)
    status = await preview_status(res, project_id)
    return status if status.status in ("starting", "ready") else NativePreview(status="starting")


@router.get(
    "/projects/{project_id}/native-preview", response_model=NativePreview, responses=RESPONSES
)
async def get_native_preview(project_id: OwnedProjectId, res: ResourcesDep) -> NativePreview:
    """The project's Expo Go server: `starting`, `ready` (open `expo_url` in Expo Go, SDK 54),
    `stopped` or `failed` (with the `reason`)."""
    return await preview_status(res, project_id)


@router.get(
    "/projects/{project_id}/native-preview/qr",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {}}, "description": "A QR code of `expo_url`."},
        **RESPONSES,
        409: {"model": Problem, "description": "The Expo Go server is not ready."},
    },
)
async def native_preview_qr(project_id: OwnedProjectId, res: ResourcesDep) -> Response:
    """The `exp://` address as a QR code, for the camera (or Expo Go's scanner) of a phone."""
    status = await preview_status(res, project_id)
    if status.status != "ready" or status.expo_url is None:
        raise ProblemError(409, f"The Expo Go server is {status.status}, not ready.")
    buffer = io.BytesIO()
    segno.make(status.expo_url, error="m").save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False
    )
    return Response(
        buffer.getvalue(), media_type="image/svg+xml", headers={"X-Expo-Url": status.expo_url}
    )


@files.get("/{token}/native", include_in_schema=False)
async def native_root(token: PreviewToken, res: ResourcesDep) -> RedirectResponse:
    await preview_project(res, token)
    return RedirectResponse(f"/preview/{token}/native/", status_code=308)


@files.get("/{token}/native/{path:path}", response_class=Response, responses=FILE_RESPONSES)
async def native_file(
    token: PreviewToken, path: str, request: Request, res: ResourcesDep
) -> Response:
    """A file of the newest native web build (the Expo project bundled for the web by the
    native stage); a path that names no file is a route of the single-page app: `index.html`."""
    project_id = await preview_project(res, token)
    built = await latest_build(res, project_id)
    if built is None:
        raise ProblemError(404, "No native build of this project yet.")
    by_path = {file.path: file for file in built.files}
    wanted = path + "index.html" if path == "" or path.endswith("/") else path
    file = by_path.get(wanted) or by_path.get("index.html")
    if file is None:
        raise ProblemError(404, f"No file {wanted} in the native build.")
    headers = safety(request, token)
    etag = f'"{file.sha256}"'
    headers["ETag"] = etag
    headers["Cache-Control"] = "no-cache"
    if etag in {
        t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")
    }:
        return Response(status_code=304, headers=headers)
    data = await res.blobs.get(file.sha256)
    if data is None:
        raise ProblemError(404, f"The content of {file.path} is not in the blob store.")
    return Response(
        with_token(data, file.content_type, token), media_type=file.content_type, headers=headers
    )
