"""Which model a project's chat calls use: a fork's own model, else the configured one.

`POST /projects/{id}/fork` with a `model` records it once, on the fork's `ProjectForked`. A
model-backed stage (analysis, screens) reads that fact from the project's stream when it is
about to call a model (one direct get of the last `ProjectForked`, as the screens stage reads
the spec from the last `AnalysisCompleted`), rather than having it carried on its input events:

- a fork's inputs are copies of its source's facts (a copied `AnalysisCompleted` was not made
  by the fork's model), and changing copies would make them say what did not happen;
- carrying it from the request to the screens would have every stage in between (the scaffolder,
  `PreviewReady`) relay a field it has no use for, and a resume would have to find it again;
- the fork's `ProjectForked` is published before the `ProjectResumed` that starts its stages,
  so it is in the stream whenever a stage works for the fork, on a redelivery or a later resume
  too. A fork of a fork that names no model inherits its source's (`appgen.events.read.fork`), so
  the last `ProjectForked` is always the one that counts.

The override applies only where a model is configured for the stage: without any model the
stage stays deterministic and the fork's model is ignored. Images keep `APPGEN_IMAGE_MODEL`
(a chat model cannot draw).
"""

from __future__ import annotations

from appgen.events import EventBus, ProjectForked


async def project_model(bus: EventBus, project_id: str) -> str | None:
    """The model the project was forked with, or None to use the configured model."""
    forked = await bus.log.latest(project_id, ProjectForked)
    return forked[1].model if forked is not None else None
