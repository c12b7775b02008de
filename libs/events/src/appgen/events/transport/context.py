"""What a handler gets besides its input: a way to make output events with derived ids."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from appgen.events.catalog.envelope import Event, EventMetadata, ModelCall
from appgen.events.catalog.ids import derived_event_id, project_event_id

E = TypeVar("E", bound=Event)


class HandlerContext:
    """Built by the consumer loop for one delivery of one input event."""

    def __init__(
        self,
        cause: Event,
        *,
        service: str,
        attempt: int,
        position: int,
        heartbeat: Callable[[], Awaitable[None]],
        trace_id: str | None = None,
        logged: Mapping[uuid.UUID, Event] | None = None,
    ) -> None:
        self.cause = cause
        # Events the log already holds that may be outputs of an earlier run of this input (set
        # on a redelivery and on a resume): a handler reuses them instead of paying again.
        self.logged: Mapping[uuid.UUID, Event] = logged or {}
        # The input's trace (from its metadata or its `traceparent` header), passed to outputs.
        self.trace_id = trace_id or cause.metadata.trace_id
        self.service = service
        self.attempt = attempt
        self.position = position
        self._heartbeat = heartbeat
        self._emitted: Counter[str] = Counter()
        self._started = time.perf_counter()

    async def in_progress(self) -> None:
        """Tell JetStream the input is still being worked on (the loop also does this on a timer)."""
        await self._heartbeat()

    def emit(
        self,
        event_type: type[E],
        /,
        *,
        key: str | None = None,
        per_project: bool = False,
        model_calls: Sequence[ModelCall] = (),
        **data: Any,
    ) -> E:
        """Make an output event whose id is a function of the input's id and its place in the output.

        The n-th event of a type that a handler emits for an input always gets the same id, so a
        redelivered input republishes exactly the ids it published before. `per_project` ids
        depend on the project alone, for facts two paths may both reach (the join at the end).
        """
        event_id = self._next_id(event_type, key=key, per_project=per_project)
        self._emitted[event_type.__name__] += 1
        return event_type(
            event_id=event_id,
            project_id=self.cause.project_id,
            metadata=self.metadata(model_calls),
            **data,
        )

    def logged_output(self, event_type: type[E], /, *, key: str | None = None) -> E | None:
        """The event `emit(event_type, key=key)` would make next, when an earlier run of this
        input already published it: a crashed or resumed handler takes it from here instead of
        redoing (and re-paying) its work. Emit it all the same, with `emit_logged`, or through
        `emit` with the same key: the consumer loop does not publish an event the log holds."""
        found = self.logged.get(self._next_id(event_type, key=key, per_project=False))
        return found if isinstance(found, event_type) else None

    def emit_logged(self, event: E) -> E:
        """Count a reused output (from `logged_output`) as emitted, so the ids of the outputs
        after it stay those of the first run."""
        self._emitted[type(event).__name__] += 1
        return event

    def _next_id(self, event_type: type[Event], *, key: str | None, per_project: bool) -> uuid.UUID:
        name = event_type.__name__
        suffix = key if key is not None else str(self._emitted[name])
        if per_project:
            return project_event_id(self.cause.project_id, f"{name}:{suffix}")
        return derived_event_id(self.cause.event_id, f"{self.service}:{name}:{suffix}")

    def metadata(self, model_calls: Sequence[ModelCall] = ()) -> EventMetadata:
        cause = self.cause
        return EventMetadata(
            service=self.service,
            attempt=self.attempt,
            causation_id=cause.event_id,
            correlation_id=cause.metadata.correlation_id or cause.event_id,
            handler_ms=round((time.perf_counter() - self._started) * 1000, 3),
            trace_id=self.trace_id,
            model_calls=tuple(model_calls),
        )
