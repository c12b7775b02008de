"""The one consumer loop. Every service runs its worker through it; none writes its own.

pull (each message started the moment it arrives) → validate → handle (publishing each output as
it is yielded) → ack;
an exception naks with backoff; past the delivery cap the stage gives up visibly
(StageFailed, then ProjectFailed) and the message is terminated.

Every stage also takes part in resumes (`ProjectResumed`, see `appgen.events.read.resume`) and ignores the
events a fork copied (their work is done); the trace context travels from each input to its
outputs (W3C `traceparent` header and `metadata.trace_id`) and into every log line.

Old and new versions side by side (a rolling deploy): an event this process cannot read because
a newer version wrote it is parked (offered again later, for a newer process) and said so, and
fails its project visibly only after `park_limit` offers; an event nobody can read fails its
project at once. The durable consumer is made once: a process only ever widens its filter,
never narrows what a newer process set. A graceful stop hands work back without using up an
attempt (`handbacks.py`), and the delivery cap first looks at what the log holds: an attempt
that published its outputs and died before its ack is finished, not failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
import uuid
from collections import deque
from typing import Any

import nats.errors
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import APIError, NotFoundError

from appgen.events.catalog.codec import InvalidEvent, NewerEvent, decode
from appgen.events.catalog.envelope import Event, EventMetadata
from appgen.events.catalog.events import (
    EditApplied,
    EditRejected,
    EditStep,
    ProjectFailed,
    ProjectResumed,
    StageFailed,
)
from appgen.events.catalog.ids import is_project_id
from appgen.events.catalog.pipeline import GIVING_UP
from appgen.events.catalog.subjects import all_events, parse_subject, type_filters
from appgen.events.read.resume import resume_handler
from appgen.events.transport import metrics
from appgen.events.transport.bus import EventBus
from appgen.events.transport.context import HandlerContext
from appgen.events.transport.errors import PermanentError
from appgen.events.transport.handbacks import HandBacks
from appgen.events.transport.logs import bound_to, event_logger
from appgen.events.transport.pull import Puller, PullFailed
from appgen.events.transport.settings import ConsumerSettings
from appgen.events.transport.trace import trace_id_of
from appgen.events.transport.worker import Handler, Worker

log = logging.getLogger(__name__)

_TRANSIENT_ERRORS = (
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.NoRespondersError,
    nats.errors.SlowConsumerError,
    nats.errors.TimeoutError,
    APIError,
)


class ConsumerLoop:
    def __init__(self, bus: EventBus, worker: Worker, settings: ConsumerSettings) -> None:
        self.bus = bus
        self.worker = worker
        self.settings = settings
        # Attempts at one input before the stage gives up; the loop counts them itself.
        self.max_deliver = settings.max_deliver
        self._handbacks: HandBacks | None = None
        # Every stage takes part in resumes.
        self._resume: Handler[ProjectResumed] = resume_handler(worker, bus)

    def consumer_config(self) -> ConsumerConfig:
        filters = type_filters((*self.worker.consumes, ProjectResumed))
        return ConsumerConfig(
            durable_name=self.worker.name,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.settings.ack_wait_s,
            # NATS's "no limit": the loop enforces the cap itself (`max_deliver` above), so
            # that an input that kills its worker on every attempt still ends in a visible
            # failure instead of silently stopping redelivery.
            max_deliver=-1,
            max_ack_pending=max(1000, self.settings.concurrency * 64),
            filter_subject=filters[0] if len(filters) == 1 else None,
            filter_subjects=filters if len(filters) > 1 else None,
        )

    async def _ensure_consumer(self) -> None:
        """Make the durable consumer if it is missing. An existing one keeps its settings; its
        filter is only ever widened by the types this process handles and it lacks, so an older
        process starting beside a newer one never takes the newer one's types away."""
        wanted = self.consumer_config()
        stream = self.bus.settings.stream
        try:
            info = await self.bus.js.consumer_info(stream, self.worker.name)
        except NotFoundError:
            await self.bus.js.add_consumer(stream, wanted)
            return
        have = set(_filters(info.config))
        missing = set(_filters(wanted)) - have
        if not missing or all_events() in have:
            return
        merged = sorted(have | missing)
        log.info("%s: widening its consumer's filter by %s", self.worker.name, sorted(missing))
        await self.bus.js.add_consumer(
            stream,
            dataclasses.replace(
                info.config,
                filter_subject=merged[0] if len(merged) == 1 else None,
                filter_subjects=merged if len(merged) > 1 else None,
            ),
        )

    async def run(self, stop: asyncio.Event) -> None:
        self.worker.check_complete()
        await self._ensure_consumer()
        try:
            self._handbacks = await HandBacks.open(self.bus.js, self.bus.settings)
        except _TRANSIENT_ERRORS as error:
            log.warning(
                "%s: hand-backs unavailable (%s); stops will count", self.worker.name, error
            )
        in_flight: set[asyncio.Task[None]] = set()
        arrived: deque[Msg] = deque()
        log.info("%s consuming %s", self.worker.name, [t.__name__ for t in self.worker.consumes])
        try:
            while not stop.is_set():
                try:
                    await self._pull(stop, in_flight, arrived)
                except (PullFailed, *_TRANSIENT_ERRORS) as error:
                    log.warning("%s: pulling again (%s)", self.worker.name, error)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), 0.2)
                    with contextlib.suppress(*_TRANSIENT_ERRORS):
                        await self._ensure_consumer()
        finally:
            # Delivered to this process but not started: straight back to the consumer.
            for msg in arrived:
                with contextlib.suppress(Exception):
                    await self._hand_back(msg)
            await self._finish(in_flight)

    async def _pull(
        self, stop: asyncio.Event, in_flight: set[asyncio.Task[None]], arrived: deque[Msg]
    ) -> None:
        """Ask for as many messages as there are free handler slots, and start each one the
        moment it arrives (`pull.py`: never a message held back for a batch to fill)."""
        freed = asyncio.Event()

        def finished(task: asyncio.Task[None]) -> None:
            in_flight.discard(task)
            freed.set()

        async with Puller(
            self.bus.nc,
            self.bus.settings.stream,
            self.worker.name,
            on_message=arrived.append,
            expires_s=self.settings.expires_s,
            heartbeat_s=self.settings.heartbeat_s,
        ) as puller:
            while not stop.is_set():
                puller.check()
                # Cleared before looking, so what arrives or finishes from here on wakes us.
                puller.changed.clear()
                freed.clear()
                while arrived:
                    task = asyncio.create_task(self.deliver(arrived.popleft()))
                    in_flight.add(task)
                    task.add_done_callback(finished)
                free = self.settings.concurrency - len(in_flight) - puller.owed
                if free > 0:
                    await puller.request(min(free, self.settings.batch))
                waits: list[asyncio.Future[Any]] = [
                    asyncio.ensure_future(stop.wait()),
                    asyncio.ensure_future(freed.wait()),
                    asyncio.ensure_future(puller.wait(self.settings.heartbeat_s)),
                ]
                try:
                    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for waiter in waits:
                        waiter.cancel()

    async def _finish(self, in_flight: set[asyncio.Task[None]]) -> None:
        """Let in-flight messages finish within the grace period; the rest are returned (nak)."""
        if not in_flight:
            return
        _, pending = await asyncio.wait(set(in_flight), timeout=self.settings.shutdown_grace_s)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
            log.info("%s returned %d unfinished messages", self.worker.name, len(pending))

    async def deliver(self, msg: Msg) -> None:
        delivered = msg.metadata.num_delivered or 1
        position = msg.metadata.sequence.stream if msg.metadata.sequence else 0
        attempt = delivered
        if delivered > 1:
            metrics.REDELIVERIES.labels(self.worker.name).inc()
            attempt = max(1, delivered - await self._handed_back(position))
        try:
            event = decode(msg.subject, msg.data)
        except NewerEvent as error:
            await self._park(msg, error, delivered, position)
            return
        except InvalidEvent as error:
            await self._reject(msg, error, position)
            return
        trace_id = trace_id_of(event, msg.headers)
        with bound_to(event, trace_id=trace_id, service=self.worker.name):
            await self._deliver(msg, event, attempt, position, trace_id)

    def _handler(self, event: Event) -> Handler[Any] | None:
        if event.metadata.copied_from is not None:
            # A fork's copy of a fact whose work was done in the source project.
            return None
        handler = self.worker.handler_for(event)
        if handler is None and isinstance(event, ProjectResumed):
            return self._resume
        return handler

    async def _deliver(
        self, msg: Msg, event: Event, attempt: int, position: int, trace_id: str | None
    ) -> None:
        handler = self._handler(event)
        if handler is None:
            # Nothing to do here, ever: acked rather than terminated, so a consumer that also
            # matches copies and resumes for other stages does not count them as failures.
            await msg.ack()
            return
        elog = event_logger(log, event)
        logged = await self._logged_since(event, attempt, position)
        if attempt > self.max_deliver:
            # An attempt that published outputs of this input and died before its ack may have
            # finished: one more run (which reuses what the log holds) decides, within bounds.
            progressed = any(e.metadata.causation_id == event.event_id for e in logged.values())
            if not progressed or attempt > 2 * self.max_deliver:
                reason = (
                    f"{self.worker.name} did not finish {event.type}: the worker stopped or "
                    f"timed out on each of {attempt - 1} attempts"
                )
                await self._give_up(msg, event, attempt, position, reason, kind="worker_lost")
                return
        heartbeat = asyncio.create_task(self._keep_alive(msg))
        started = time.perf_counter()
        try:
            context = self.worker.context(
                event,
                attempt=attempt,
                position=position,
                heartbeat=msg.in_progress,
                trace_id=trace_id,
                logged=logged,
            )
            # What an earlier attempt published stays as it is, even past JetStream's
            # duplicate window.
            outputs = (o async for o in handler(event, context) if o.event_id not in context.logged)
            if self._together(event):
                await self.bus.publish_together([output async for output in outputs])
            else:
                async for output in outputs:
                    await self.bus.publish(output)
        except asyncio.CancelledError:
            # Only a stopping process cancels a handler: the message goes back, no attempt used.
            with contextlib.suppress(Exception):
                await self._hand_back(msg)
            raise
        except PermanentError as error:
            metrics.HANDLER_ERRORS.labels(event.type, self.worker.name).inc()
            await self._give_up(msg, event, attempt, position, str(error), kind="permanent")
        except Exception as error:
            metrics.HANDLER_ERRORS.labels(event.type, self.worker.name).inc()
            if attempt >= self.max_deliver:
                elog.exception("attempt %d failed; giving up", attempt)
                reason = (
                    f"{self.worker.name} gave up on {event.type} after {attempt} attempts: "
                    f"{type(error).__name__}: {error}"
                )
                await self._give_up(msg, event, attempt, position, reason, kind="retries_exhausted")
            else:
                delay = self.settings.backoff_for(attempt)
                elog.warning(
                    "attempt %d failed (%s: %s); retrying in %.1fs",
                    attempt,
                    type(error).__name__,
                    error,
                    delay,
                )
                await msg.nak(delay=delay)
        else:
            await msg.ack()
            metrics.EVENTS_CONSUMED.labels(event.type, self.worker.name).inc()
            elapsed = time.perf_counter() - started
            metrics.HANDLER_SECONDS.labels(event.type, self.worker.name).observe(elapsed)
            metrics.STAGE_SECONDS.labels(self.worker.stage.value).observe(elapsed)
        finally:
            heartbeat.cancel()

    def _together(self, event: Event) -> bool:
        """Whether the outputs of `event` are stored at once (`Step.together`)."""
        step = self.worker.declaration.step_for(type(event))
        return step is not None and step.together

    async def _logged_since(
        self, event: Event, attempt: int, position: int
    ) -> dict[uuid.UUID, Event]:
        """On a redelivery to a stage, what the project's log holds after the input: an earlier
        attempt's outputs are among them, for the handler to reuse (`HandlerContext.logged`).
        A first delivery has none to find, so it reads nothing."""
        if attempt <= 1 or position <= 0:
            return {}
        history = await self.bus.log.everything(event.project_id, after=position)
        return {item.event_id: item for _, item in history}

    async def _keep_alive(self, msg: Msg) -> None:
        interval = max(self.settings.ack_wait_s / 3, 0.2)
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(Exception):
                await msg.in_progress()

    async def _give_up(
        self, msg: Msg, event: Event, attempt: int, position: int, reason: str, *, kind: str
    ) -> None:
        metrics.STAGE_FAILURES.labels(self.worker.stage.value, self.worker.name, kind).inc()
        event_logger(log, event).error("giving up: %s", reason)
        context = HandlerContext(
            event,
            service=self.worker.name,
            outputs=GIVING_UP.outputs,
            attempt=attempt,
            position=position,
            heartbeat=_nothing,
        )
        try:
            await self.bus.publish_all(self._failure(context, event, attempt, reason))
        except Exception:
            # The failure could not be recorded; keep the input so the next attempt reports it.
            log.exception("could not publish the failure; returning the message")
            await msg.nak(delay=self.settings.backoff_for(attempt))
            return
        await msg.term()

    def _failure(
        self, context: HandlerContext, event: Event, attempt: int, reason: str
    ) -> list[Event]:
        """What giving up on `event` records: an edit's step rejects the edit (the project
        itself stays as it was); any other input fails the stage and then the project."""
        stage = self.worker.stage
        # The edit's outcome is a fact already; what failed is only work after it. A stage
        # beside the generation (the native builds) never fails the project either.
        after_the_fact = isinstance(event, EditApplied | EditRejected) or stage.is_aside
        if isinstance(event, EditStep) and not after_the_fact:
            return [
                context.emit(
                    EditRejected,
                    edit_id=event.edit_id,
                    reason=f"The change could not be made: {reason}"[:2000],
                )
            ]
        failed = context.emit(
            StageFailed,
            failed_stage=stage,
            service=self.worker.name,
            reason=reason[:2000],
            input_type=event.type,
            attempts=attempt,
        )
        if after_the_fact:
            return [failed]
        return [failed, context.emit(ProjectFailed, failed_stage=stage, reason=reason[:2000])]

    async def _hand_back(self, msg: Msg, *, delay: float | None = None) -> None:
        """Return an unfinished (or unreadable) message without counting it as an attempt."""
        if self._handbacks is not None and msg.metadata.sequence is not None:
            with contextlib.suppress(*_TRANSIENT_ERRORS):
                await self._handbacks.record(self.worker.name, msg.metadata.sequence.stream)
        await msg.nak(delay=delay)

    async def _handed_back(self, position: int) -> int:
        if self._handbacks is None or position <= 0:
            return 0
        try:
            return await self._handbacks.count(self.worker.name, position)
        except _TRANSIENT_ERRORS:
            return 0

    async def _park(self, msg: Msg, error: NewerEvent, delivered: int, position: int) -> None:
        """An event a newer version wrote: offered again later, for a newer process to take;
        past `park_limit` offers its project fails visibly instead of waiting for ever."""
        stage = self.worker.stage.value
        if delivered <= self.settings.park_limit:
            metrics.EVENTS_PARKED.labels(self.worker.name).inc()
            log.warning(
                "%s cannot read the event at %d (%s); parked for a newer version, offer %d of %d",
                self.worker.name,
                position,
                error,
                delivered,
                self.settings.park_limit,
            )
            # Offered, not attempted: a newer process that takes it starts at attempt 1.
            await self._hand_back(msg, delay=self.settings.park_delay_s)
            return
        metrics.STAGE_FAILURES.labels(stage, self.worker.name, "unreadable").inc()
        reason = (
            f"{self.worker.name} cannot read an event of this project ({error}) and no newer "
            f"version took it in {delivered} offers; deploy the version that wrote it"
        )
        await self._fail_unreadable(msg, reason)

    async def _reject(self, msg: Msg, error: InvalidEvent, position: int) -> None:
        """A message that is not a valid event can never be handled: its project fails visibly
        (when the subject names one), and the message is dropped."""
        stage = self.worker.stage.value
        metrics.STAGE_FAILURES.labels(stage, self.worker.name, "invalid").inc()
        log.error(
            "%s: the message at %d on %s is not a valid event: %s",
            self.worker.name,
            position,
            msg.subject,
            error,
        )
        await self._fail_unreadable(msg, f"an event of this project is not valid: {error}")

    async def _fail_unreadable(self, msg: Msg, reason: str) -> None:
        stage = self.worker.stage
        try:
            project_id, type_name = parse_subject(msg.subject)
        except ValueError:
            project_id = type_name = ""
        if is_project_id(project_id):
            metadata = EventMetadata(service=self.worker.name)
            failure: list[Event] = [
                StageFailed(
                    project_id=project_id,
                    failed_stage=stage,
                    service=self.worker.name,
                    reason=reason[:2000],
                    input_type=type_name[:200] or "unknown",
                    attempts=msg.metadata.num_delivered or 1,
                    metadata=metadata,
                ),
                ProjectFailed(
                    project_id=project_id,
                    failed_stage=stage,
                    reason=reason[:2000],
                    metadata=metadata,
                ),
            ]
            try:
                await self.bus.publish_all(failure)
            except Exception:
                log.exception("could not publish the failure; returning the message")
                await msg.nak(delay=self.settings.park_delay_s)
                return
        await msg.term()


def _filters(config: ConsumerConfig) -> list[str]:
    if config.filter_subjects:
        return list(config.filter_subjects)
    return [config.filter_subject] if config.filter_subject else []


async def _nothing() -> None:
    return None
