"""What a handler gets besides its input: a way to make output events with derived ids."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from appgen.events.envelope import Event, EventMetadata, ModelCall
from appgen.events.ids import derived_event_id, project_event_id

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
    ) -> None:
        self.cause = cause
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
        name = event_type.__name__
        ordinal = self._emitted[name]
        self._emitted[name] += 1
        suffix = key if key is not None else str(ordinal)
        event_id: uuid.UUID = (
            project_event_id(self.cause.project_id, f"{name}:{suffix}")
            if per_project
            else derived_event_id(self.cause.event_id, f"{self.service}:{name}:{suffix}")
        )
        return event_type(
            event_id=event_id,
            project_id=self.cause.project_id,
            metadata=self.metadata(model_calls),
            **data,
        )

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
