"""The shape of a pipeline's declaration: a stage, its steps (inputs and the outputs it may
make of them, with their keys), its part in a generation and its progress band.

The pipeline itself, declared with these, is `catalog.pipeline`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from appgen.events.catalog.envelope import Event
from appgen.events.catalog.stages import Stage

E = TypeVar("E", bound=Event)

# The key of an output made at most once per input: "0", the ordinal the first ids were made
# with, so events written before keys were declared keep their ids.
ONCE = "0"


@dataclass(frozen=True)
class Output:
    """One kind of event a stage may make of an input, and how its id's key is found."""

    type: type[Event]
    # None: at most one per input (per project, for a request). Otherwise the key, from the
    # event's own data.
    key: Callable[[Any], str] | None = None
    # The id depends on the project and the key alone (a fact two paths may both reach).
    per_project: bool = False

    def key_of(self, event: Event) -> str:
        return ONCE if self.key is None else self.key(event)

    def id_key(self, event: Event) -> str:
        """What the id hashes besides the cause or project: the type and the key."""
        if self.key is None and self.per_project:
            return event.type
        return f"{event.type}:{self.key_of(event)}"


def once(event_type: type[Event]) -> Output:
    return Output(event_type)


def each(event_type: type[E], key: Callable[[E], str]) -> Output:
    return Output(event_type, key)


def per_project(event_type: type[E], key: Callable[[E], str] | None = None) -> Output:
    return Output(event_type, key, per_project=True)


@dataclass(frozen=True)
class Step:
    """A stage's handling of some input types, and every output it may make of them.

    `together`: the outputs are one fact, stored at once when the handler has made them all (one
    atomic batch, `transport.atomic`): no reader ever sees some without the rest, and the stage
    waits for one acknowledgement instead of one per output. For a handler that makes its
    outputs in a moment; one whose outputs come one by one (screens, images) must not wait.
    """

    inputs: tuple[type[Event], ...]
    outputs: tuple[Output, ...]
    together: bool = False

    def output(self, event_type: type[Event]) -> Output | None:
        return next((o for o in self.outputs if o.type is event_type), None)


@dataclass(frozen=True)
class Band:
    """The part of the progress bar a stage's repeated outputs move across."""

    first: int
    last: int

    def at(self, index: int, total: int) -> int:
        """Progress after item `index` (0-based) of `total`, spread evenly up to `last`."""
        return self.first + (self.last - self.first) * (index + 1) // max(total, 1)


@dataclass(frozen=True)
class Generation:
    """A stage's part in generating a project (edits and the native builds have none).

    The stage runs once every event in `after` is in the log, and is done with `done`: a resume
    redoes the stages whose inputs are there and whose `done` is not. A `background` stage runs
    beside the main path and never moves the project's headline.
    """

    after: tuple[type[Event], ...]
    done: type[Event]
    band: Band | None = None
    background: bool = False


@dataclass(frozen=True)
class StageDeclaration:
    """One stage: its service (the durable consumer's name), the stage a failure is reported
    against, its steps, and its part in a generation."""

    service: str
    stage: Stage
    steps: tuple[Step, ...]
    generation: Generation | None = None
    # Events it publishes outside any handler (the native stage's Expo Go servers).
    announces: tuple[type[Event], ...] = ()
    calls_models: bool = False

    @property
    def band(self) -> Band:
        """The progress band its repeated outputs move across."""
        if self.generation is None or self.generation.band is None:
            raise LookupError(f"{self.service} declares no progress band")
        return self.generation.band

    @property
    def inputs(self) -> tuple[type[Event], ...]:
        return tuple(t for step in self.steps for t in step.inputs)

    def step_for(self, event_type: type[Event]) -> Step | None:
        return next((s for s in self.steps if event_type in s.inputs), None)
