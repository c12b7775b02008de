"""Edit (and revert): one EditRequested per edit, in one order per project, never lost.

Edits of a project are serialised by expected position: each request is published only if the
project's last request is the one this gateway read (`EventBus.publish(expected_last=…)`), so two
gateways that race re-read and queue one behind the other. Both then apply in turn. A client
that names the version it was looking at (`expected_version`) is refused with a 409 instead
when the app moved on, so an edit is never applied to a version its author did not see. A
revert is an edit that restores an earlier version, as a new version.

The edit's id comes from the Idempotency-Key when there is one, so a retry answers with the same
edit instead of asking twice. An edit starts no generation, so no generation limit counts it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from nats.js.errors import NotFoundError

from appgen.events import (
    EditApplied,
    EditQueue,
    EditRejected,
    EditRequested,
    EditStarted,
    Event,
    EventMetadata,
    PositionMoved,
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
    ProjectResumed,
    edit_queue,
)
from appgen.events.catalog.output_ids import as_request
from appgen.events.catalog.subjects import subject_of
from appgen.events.transport.trace import project_trace_id
from appgen.gateway.auth import Caller
from appgen.gateway.problems import ProblemError
from appgen.gateway.resources import Resources
from appgen.gateway.usecases.steps import check_owned, derived_id

# What the queue's order and numbers fold from: not the specs and files, which a request does not
# need and which grow with every version.
QUEUE_TYPES: tuple[type[Event], ...] = (
    ProjectRequested,
    ProjectCompleted,
    ProjectFailed,
    ProjectResumed,
    EditRequested,
    EditStarted,
    EditApplied,
    EditRejected,
)
_EDIT_KEYS = uuid.UUID("8f6b1d0e-2c4a-4f7e-b3d9-5a1e0c7f2b64")
# How often a request re-reads the queue when another one got in first.
_ATTEMPTS = 20


def edit_id_for(project_id: str, key: str | None, owner: str | None) -> str:
    if key is None:
        return uuid.uuid4().hex
    return derived_id(_EDIT_KEYS, project_id, owner or "", key).hex


@dataclass(frozen=True)
class EditAccepted:
    edit_id: str
    version: int
    position: int
    created: bool


def check_editable(queue: EditQueue, project_id: str) -> None:
    if queue.generation == "failed":
        raise ProblemError(
            409,
            f"Project {project_id} failed, so there is no app to change; resume it first "
            f"(POST /api/v1/projects/{project_id}/resume).",
        )


def check_restore(queue: EditQueue, version: int) -> None:
    if version > queue.head:
        raise ProblemError(
            422, f"There is no version {version}: this app has versions 1 to {queue.head}."
        )


async def request_edit(
    res: Resources,
    caller: Caller,
    project_id: str,
    prompt: str,
    *,
    restore: int | None = None,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> EditAccepted:
    """Queue a change of the caller's app: `prompt`, or with `restore` the version to make
    again. A retry with the same Idempotency-Key answers with the edit it asked for."""
    edit_id = edit_id_for(project_id, idempotency_key, caller.key_id)
    for _ in range(_ATTEMPTS):
        # The last request's position first, then the log (which holds at least that far): a
        # request published in between makes the conditional publish fail, and we read again.
        last = await last_request(res, project_id)
        records = await res.log.everything(project_id, types=QUEUE_TYPES)
        check_owned(caller, project_id, records)
        queue = edit_queue(records)
        existing = queue.edits.get(edit_id)
        if existing is not None:
            if existing.prompt != prompt or existing.restore != restore:
                raise ProblemError(
                    409, "This Idempotency-Key was used for another edit; use a new key."
                )
            return EditAccepted(edit_id, existing.expected_version, existing.position, False)
        check_editable(queue, project_id)
        if restore is not None:
            check_restore(queue, restore)
        if expected_version is not None and expected_version != queue.head:
            raise ProblemError(
                409,
                f"The app is at version {queue.head} now, not {expected_version}: look at "
                "the newest version and ask again.",
            )
        event = as_request(
            EditRequested(
                project_id=project_id,
                edit_id=edit_id,
                prompt=prompt,
                restore=restore,
                expected_version=queue.head + 1,
                metadata=EventMetadata(service="gateway", trace_id=project_trace_id(project_id)),
            )
        )
        try:
            position = await res.bus.publish(event, expected_last=last)
        except PositionMoved:
            continue
        return EditAccepted(edit_id, event.expected_version, position, True)
    raise ProblemError(
        503,
        "Too many edits of this project at once; try again in a moment.",
        headers={"Retry-After": "1"},
    )


async def request_revert(
    res: Resources,
    caller: Caller,
    project_id: str,
    version: int,
    *,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
) -> EditAccepted:
    """Queue a new version equal to `version` (an undo that can itself be undone)."""
    return await request_edit(
        res,
        caller,
        project_id,
        f"Restore version {version}",
        restore=version,
        expected_version=expected_version,
        idempotency_key=idempotency_key,
    )


async def last_request(res: Resources, project_id: str) -> int:
    """The stream position of the project's last EditRequested (0: none), straight from the
    stream: the position a conditional publish is checked against."""
    try:
        found = await res.bus.js.get_last_msg(
            res.bus.settings.stream, subject_of(project_id, EditRequested)
        )
    except NotFoundError:
        return 0
    return found.seq or 0
