"""The Expo project of a project at a position: its spec rendered by `appgen.render.render_expo`,
with the images stage's icon. Time travel and edits apply: the spec is that version's."""

from __future__ import annotations

from appgen.events import edit_queue
from appgen.events.read.projection import file_tree
from appgen.gateway.content import file_bytes, zip_contents
from appgen.gateway.problems import ProblemError
from appgen.gateway.resources import Resources
from appgen.render import ExpoProject, expo_image_paths, render_expo


async def expo_project(res: Resources, project_id: str, *, at: int | None = None) -> ExpoProject:
    """The project rendered for Expo; 404 when nothing is there, 409 when there is no spec yet."""
    records = await res.log.everything(project_id, until=at)
    if not records:
        raise ProblemError(404, f"No project {project_id} at position {at}.")
    spec = edit_queue(records).spec
    if spec is None:
        raise ProblemError(
            409,
            f"Project {project_id} has no app spec yet at position {records[-1][0]}: "
            "export it once the analysis is done.",
        )
    files = file_tree(records)
    images = {path: await file_bytes(res.blobs, files[path]) for path in expo_image_paths(files)}
    return render_expo(spec, images)


async def expo_zip(res: Resources, project_id: str, *, at: int | None = None) -> bytes:
    """The Expo project as a zip laid out like the web export: every file under `project_id/`."""
    project = await expo_project(res, project_id, at=at)
    return zip_contents(project.contents(), project_id)
