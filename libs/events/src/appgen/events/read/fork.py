"""Forking a project: its history up to a position, copied into a new project that continues.

The copies get the ids the pipeline itself would have given them in the new project: an output's
id is `uuid5(cause, "service:Type:key")` with the key its declaration names (`catalog.pipeline`),
so a copy's id is the same key under the copied cause's id. When the fork
resumes, a stage that runs its handler on a copied input therefore produces exactly the copied
ids for work already done, and the resume skips them: the fork's log never holds a fact twice.

Copies carry `metadata.copied_from` (stages never react to a copy; its work is done), no
`model_calls` (the source paid for them; cost stays with the source) and the fork's own trace.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from appgen.events.catalog.envelope import Event, EventMetadata
from appgen.events.catalog.events import (
    EditRejected,
    EditRequested,
    EditStarted,
    ProjectForked,
    ProjectRequested,
)
from appgen.events.catalog.ids import project_event_id
from appgen.events.catalog.output_ids import as_request, made_by, output_id
from appgen.events.catalog.versions import edit_queue
from appgen.events.read.resume import NothingToResume, resume_event


def copy_history(
    source: Iterable[tuple[int, Event]],
    project_id: str,
    *,
    prompt: str | None = None,
    owner: str | None = None,
    trace_id: str | None = None,
) -> list[Event]:
    """The source's events as the new project's, in position order; `prompt` replaces the
    request's, and the request names `owner` (the key that forked) as the fork's owner."""
    ids: dict[uuid.UUID, uuid.UUID] = {}
    now = datetime.now(UTC)
    copies: list[Event] = []
    for _, event in sorted(source, key=lambda pair: pair[0]):
        meta = event.metadata
        new_id = _copied_id(event, project_id, ids)
        ids[event.event_id] = new_id
        metadata = meta.model_copy(
            update={
                "causation_id": _mapped(ids, meta.causation_id),
                "correlation_id": _mapped(ids, meta.correlation_id),
                "model_calls": (),
                "copied_from": event.event_id,
                "trace_id": trace_id if trace_id is not None else meta.trace_id,
            }
        )
        fields = event.model_dump()
        fields.update(event_id=new_id, project_id=project_id, occurred_at=now, metadata=metadata)
        if isinstance(event, ProjectRequested):
            fields["owner"] = owner
            if prompt is not None:
                fields["prompt"] = prompt
        copies.append(type(event).model_validate(fields))
    return copies


def fork_events(
    source: Iterable[tuple[int, Event]],
    project_id: str,
    *,
    source_project_id: str,
    source_position: int,
    prompt: str | None = None,
    model: str | None = None,
    owner: str | None = None,
    trace_id: str | None = None,
) -> list[Event]:
    """Everything a fork publishes: the copies, `ProjectForked`, and the resume that continues it
    (none when the copied history is already complete). Without `model`, a fork of a fork keeps
    the model its source was forked with."""
    source = list(source)
    unfinished = unfinished_edits(source)
    source = without_running_edit(source)
    copies = copy_history(source, project_id, prompt=prompt, owner=owner, trace_id=trace_id)
    if not copies or not isinstance(copies[0], ProjectRequested):
        raise NothingToResume("a fork needs the source's request in the copied history")
    if model is None:
        # Stages read the model from the project's last ProjectForked alone (appgen.llm.project),
        # so this one names the source's model too, or the fork would silently drop it.
        model = next((c.model for c in reversed(copies) if isinstance(c, ProjectForked)), None)
    metadata = EventMetadata(service="gateway", trace_id=trace_id)
    events: list[Event] = [
        *copies,
        as_request(
            ProjectForked(
                project_id=project_id,
                source_project_id=source_project_id,
                source_position=source_position,
                prompt=prompt,
                model=model,
                metadata=metadata,
            )
        ),
    ]
    # The source's unfinished edits are its own: the fork starts with none waiting.
    events += [
        as_request(
            EditRejected(
                project_id=project_id,
                edit_id=edit_id,
                reason=FORKED_BEFORE_EDIT,
                metadata=metadata,
            )
        )
        for edit_id in unfinished
    ]
    try:
        resume = resume_event(copies, reason="forked", metadata=metadata)
    except NothingToResume:
        return events
    return [*events, resume]


FORKED_BEFORE_EDIT = (
    "The project was forked before this change was made; ask for it again in the fork if you "
    "want it there."
)


def unfinished_edits(source: list[tuple[int, Event]]) -> list[str]:
    """The ids of the edits the source had asked for but not applied or rejected by its end."""
    queue = edit_queue(source)
    return [e.edit_id for e in queue.edits.values() if e.status in ("queued", "running")]


def without_running_edit(source: list[tuple[int, Event]]) -> list[tuple[int, Event]]:
    """The source without the steps of an edit that was half made at its end (its files and
    spec would be neither the old version nor the new one); the request itself stays."""
    running = edit_queue(source).running
    if running is None:
        return source
    started = min(
        position
        for position, event in source
        if isinstance(event, EditStarted) and event.edit_id == running.edit_id
    )
    return [
        (position, event)
        for position, event in source
        if position < started or isinstance(event, EditRequested)
    ]


def _mapped(ids: dict[uuid.UUID, uuid.UUID], value: uuid.UUID | None) -> uuid.UUID | None:
    return None if value is None else ids.get(value, value)


def _copied_id(event: Event, project_id: str, ids: dict[uuid.UUID, uuid.UUID]) -> uuid.UUID:
    """The id the pipeline would give `event` in the new project: the declared output that made
    it (`catalog.pipeline.made_by`), keyed the same under the copied cause or the new project.
    An event no declaration made (a resume) gets a fresh id of its own."""
    output = made_by(event)
    cause = event.metadata.causation_id
    if output is not None and (output.per_project or cause in ids):
        moved = event.model_copy(update={"project_id": project_id})
        return output_id(output, moved, event.metadata.service, ids.get(cause) if cause else None)
    return project_event_id(project_id, f"copy:{event.event_id}")
