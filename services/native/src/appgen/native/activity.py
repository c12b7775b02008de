"""Builds wait while generations run: the gate of the native stage's builds is closed from the
moment a generation or an edit starts anywhere until every one has ended and a short quiet has
passed (`appgen.render.gate` stops a running build and holds a new one; the listening is
`appgen.events.transport.activity`'s).
"""

from __future__ import annotations

from appgen.events import (
    EditApplied,
    EditRejected,
    EditRequested,
    Event,
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
)
from appgen.events.transport.activity import PipelineActivity
from appgen.render.gate import Gate

# A fork or a resume may or may not run stages: counted as starts, one whose end never comes
# would hold builds for `longest_s`. Not counting them lets their builds run as before.
STARTS: tuple[type[Event], ...] = (ProjectRequested, EditRequested)
ENDS: tuple[type[Event], ...] = (ProjectCompleted, ProjectFailed, EditApplied, EditRejected)


def generations(gate: Gate, *, quiet_s: float = 0.5, longest_s: float = 120.0) -> PipelineActivity:
    """Keeps `gate` closed while any project has a generation or an edit running."""
    return PipelineActivity(
        STARTS,
        ENDS,
        quiet_s=quiet_s,
        longest_s=longest_s,
        on_busy=gate.close,
        on_quiet=gate.open,
    )
