"""A worker: the typed handlers of one declared stage, which share one durable consumer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from appgen.events.catalog.declaration import StageDeclaration
from appgen.events.catalog.envelope import Event
from appgen.events.catalog.stages import Stage
from appgen.events.transport.context import HandlerContext

E = TypeVar("E", bound=Event)
Handler = Callable[[E, HandlerContext], AsyncIterator[Event]]


class UndeclaredInput(TypeError):
    """A handler for an input its stage's declaration does not name, or a declared input
    without one: the pipeline declaration (`catalog.pipeline`) and the code disagree."""


class Worker:
    """Handlers keyed by input type, for the inputs its declaration names. The input type picks
    the subject; what a handler yields is published.

    `name` is the durable consumer's name: every process of the same worker shares its messages.
    `stage` is what a failure is reported against.
    """

    def __init__(self, declaration: StageDeclaration) -> None:
        self.declaration = declaration
        self._handlers: dict[type[Event], Handler[Any]] = {}

    @property
    def name(self) -> str:
        return self.declaration.service

    @property
    def stage(self) -> Stage:
        return self.declaration.stage

    def on(self, event_type: type[E]) -> Callable[[Handler[E]], Handler[E]]:
        if self.declaration.step_for(event_type) is None:
            raise UndeclaredInput(f"{self.name} does not declare {event_type.__name__} as an input")

        def register(handler: Handler[E]) -> Handler[E]:
            if event_type in self._handlers:
                raise ValueError(f"{self.name} already handles {event_type.__name__}")
            self._handlers[event_type] = handler
            return handler

        return register

    @property
    def consumes(self) -> tuple[type[Event], ...]:
        return tuple(self._handlers)

    def check_complete(self) -> None:
        """Every declared input has its handler (a loop never runs a worker that lacks one)."""
        missing = [t.__name__ for t in self.declaration.inputs if t not in self._handlers]
        if missing:
            raise UndeclaredInput(f"{self.name} declares {', '.join(missing)} but handles none")

    def handler_for(self, event: Event) -> Handler[Any] | None:
        return self._handlers.get(type(event))

    def context(self, cause: Event, **kwargs: Any) -> HandlerContext:
        """The context a handler of `cause` gets: the outputs its step declares, ids keyed by them."""
        step = self.declaration.step_for(type(cause))
        return HandlerContext(
            cause, service=self.name, outputs=step.outputs if step else (), **kwargs
        )
