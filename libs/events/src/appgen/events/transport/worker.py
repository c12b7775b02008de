"""A worker: the typed handlers of one stage, which share one durable consumer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from appgen.events.catalog.envelope import Event
from appgen.events.catalog.stages import Stage
from appgen.events.transport.context import HandlerContext

E = TypeVar("E", bound=Event)
Handler = Callable[[E, HandlerContext], AsyncIterator[Event]]


class Worker:
    """Handlers keyed by input type. The input type picks the subject; what a handler yields is published.

    `name` is the durable consumer's name: every process of the same worker shares its messages.
    `stage` is what a failure is reported against; None for workers that never give up.
    """

    def __init__(self, name: str, stage: Stage | None, *, max_deliver: int | None = -1) -> None:
        self.name = name
        self.stage = stage
        self._handlers: dict[type[Event], Handler[Any]] = {}
        # -1 means "use the consumer settings"; None means retry for ever (the recorder).
        self.max_deliver_override = max_deliver

    def on(self, event_type: type[E]) -> Callable[[Handler[E]], Handler[E]]:
        def register(handler: Handler[E]) -> Handler[E]:
            if event_type in self._handlers:
                raise ValueError(f"{self.name} already handles {event_type.__name__}")
            self._handlers[event_type] = handler
            return handler

        return register

    def handle_all(self, handler: Handler[Event]) -> Handler[Event]:
        """Register one handler for every event type (the recorder)."""
        self._handlers[Event] = handler
        return handler

    @property
    def consumes(self) -> tuple[type[Event], ...]:
        return tuple(self._handlers)

    def handler_for(self, event: Event) -> Handler[Any] | None:
        return self._handlers.get(type(event)) or self._handlers.get(Event)
