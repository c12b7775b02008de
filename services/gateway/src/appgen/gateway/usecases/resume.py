"""Resume: continue a failed or stuck project where it stopped (docs/replay.md).

The stages still to do are derived from the project's events, each takes up its last input
again, and work already in the log is not repeated. The resume's id is fixed by how many came
before, so two requests that race publish one resume.
"""

from __future__ import annotations

from dataclasses import dataclass

from appgen.events import EventMetadata, ProjectResumed
from appgen.events.read.resume import NothingToResume, resume_event
from appgen.events.transport.trace import project_trace_id
from appgen.gateway.auth import Caller
from appgen.gateway.problems import ProblemError
from appgen.gateway.queries import events_up_to
from appgen.gateway.resources import Resources
from appgen.gateway.usecases.steps import admitted, check_owned


@dataclass(frozen=True)
class ResumeAccepted:
    event: ProjectResumed
    position: int


async def resume_project(res: Resources, caller: Caller, project_id: str) -> ResumeAccepted:
    """Publish the caller's project's next `ProjectResumed`: a 409 when there is nothing to
    resume; a resume runs the remaining stages, so it counts as a start."""
    records = await events_up_to(res, project_id)
    check_owned(caller, project_id, records)
    metadata = EventMetadata(service="gateway", trace_id=project_trace_id(project_id))
    try:
        event = resume_event([e for _, e in records], reason="requested", metadata=metadata)
    except NothingToResume as error:
        raise ProblemError(409, f"Project {project_id} cannot be resumed: {error}.") from None
    async with admitted(res, caller, project_id, event.event_id):
        position = await res.bus.publish(event)
    return ResumeAccepted(event, position)
