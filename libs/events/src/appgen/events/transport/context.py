"""What a handler gets besides its input: a way to make its declared outputs, with keyed ids."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from appgen.events.catalog.declaration import Output
from appgen.events.catalog.envelope import Event, EventMetadata, ModelCall
from appgen.events.catalog.output_ids import UndeclaredOutput, output_id

E = TypeVar("E", bound=Event)


class HandlerContext:
    """Built by the consumer loop for one delivery of one input event, with the outputs its
    step declares."""

    def __init__(
        self,
        cause: Event,
        *,
        service: str,
        outputs: Sequence[Output],
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
        self._outputs = {output.type: output for output in outputs}
        self._heartbeat = heartbeat
        self._made: set[uuid.UUID] = set()
        self._started = time.perf_counter()

    async def in_progress(self) -> None:
        """Tell JetStream the input is still being worked on (the loop also does this on a timer)."""
        await self._heartbeat()

    def emit(
        self, event_type: type[E], /, *, model_calls: Sequence[ModelCall] = (), **data: Any
    ) -> E:
        """Make a declared output. Its id is a function of the input and the output's declared
        key, never of what was emitted before it, so a rerun of the input makes the same ids."""
        output = self._declared(event_type)
        event = event_type(
            project_id=self.cause.project_id, metadata=self.metadata(model_calls), **data
        )
        event_id = output_id(output, event, self.service, self.cause.event_id)
        if event_id in self._made:
            raise UndeclaredOutput(
                f"{self.service} made a second {event_type.__name__} with the key "
                f"{output.key_of(event)!r} for one {self.cause.type}"
            )
        self._made.add(event_id)
        return event.model_copy(update={"event_id": event_id})

    def logged_output(self, event_type: type[E], /, **key_fields: Any) -> E | None:
        """The output an earlier run of this input already published, found by the fields its
        declared key reads (none for a once-per-input output): a crashed or resumed handler
        takes it from here instead of redoing (and re-paying) its work. Yield it again as it
        is, or emit it anew with the same key: the consumer loop does not publish an event the
        log holds."""
        output = self._declared(event_type)
        for event in self.logged.values():
            if (
                isinstance(event, event_type)
                and event.metadata.causation_id == self.cause.event_id
                and all(getattr(event, k) == v for k, v in key_fields.items())
                and event.event_id == output_id(output, event, self.service, self.cause.event_id)
            ):
                return event
        return None

    def _declared(self, event_type: type[Event]) -> Output:
        output = self._outputs.get(event_type)
        if output is None:
            raise UndeclaredOutput(
                f"{self.service} does not declare {event_type.__name__} as an output of "
                f"{self.cause.type}"
            )
        return output

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
