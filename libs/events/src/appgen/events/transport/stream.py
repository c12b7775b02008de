"""The one JetStream stream: made from configuration when missing, never reverted when present.

A process that starts finds the stream as an operator left it (replicas, size and age limits
set by hand or by `nats stream edit`) and keeps it so: it changes only what appgen cannot run
without (its subjects, direct gets, a duplicate window and a message size at least as large as
configured), and says so in the log when it does. A new stream takes its replicas and limits
from `NatsSettings` (`APPGEN_STREAM_REPLICAS`, `APPGEN_STREAM_MAX_BYTES`, `APPGEN_STREAM_MAX_AGE_S`).

Only the recorder's and the admin's NATS users may create or update the stream
(`permissions.py`): a stage finds it made, and when it lacks something the stage says so and
runs on; a stage that finds no stream at all stops, saying who makes it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import nats.errors
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import APIError, NotFoundError

from appgen.events.catalog.subjects import all_events
from appgen.events.transport.settings import NatsSettings

log = logging.getLogger(__name__)


def stream_config(settings: NatsSettings) -> StreamConfig:
    """The stream as a new one is made."""
    return StreamConfig(
        name=settings.stream,
        subjects=[all_events()],
        # File storage: the stream is the durable log. How often the server fsyncs is set in the
        # server's config (`sync_interval`), see docs/architecture.md.
        storage=StorageType.FILE,
        retention=RetentionPolicy.LIMITS,
        discard=DiscardPolicy.OLD,
        duplicate_window=settings.duplicate_window_s,
        max_msg_size=settings.max_event_bytes,
        allow_direct=True,
        # A stage whose outputs are one fact stores them in one atomic batch (`Step.together`).
        allow_atomic=True,
        num_replicas=settings.stream_replicas,
        max_bytes=settings.stream_max_bytes,
        max_age=settings.stream_max_age_s,
    )


def required_changes(current: StreamConfig, settings: NatsSettings) -> dict[str, Any]:
    """What an existing stream lacks that appgen needs to run, as config fields to set; the rest
    of its configuration is the operator's and is left as it is."""
    changes: dict[str, Any] = {}
    subjects = list(current.subjects or [])
    if all_events() not in subjects:
        changes["subjects"] = [*subjects, all_events()]
    if not current.allow_direct:
        # The read port reads a project's history with direct gets (events/direct.py).
        changes["allow_direct"] = True
    if not current.allow_atomic:
        # Without it a batch is refused whole, and its outputs go one at a time (bus.py).
        changes["allow_atomic"] = True
    if (current.duplicate_window or 0) < settings.duplicate_window_s:
        changes["duplicate_window"] = settings.duplicate_window_s
    limit = current.max_msg_size
    if limit is not None and 0 < limit < settings.max_event_bytes:
        changes["max_msg_size"] = settings.max_event_bytes
    return changes


class StreamMissing(RuntimeError):
    """There is no stream, and this process's NATS user may not make it."""


# A request the server's permissions drop gets no answer: nats-py waits out its timeout.
_REFUSED = (nats.errors.TimeoutError, nats.errors.NoRespondersError, APIError)


async def ensure_stream(js: JetStreamContext, settings: NatsSettings) -> None:
    try:
        info = await js.stream_info(settings.stream)
    except NotFoundError:
        try:
            await js.add_stream(stream_config(settings))
        except _REFUSED as error:
            if settings.nats_user is None:
                raise
            raise StreamMissing(
                f"there is no stream {settings.stream} and NATS user {settings.nats_user!r} "
                f"may not create it ({error!r}): start the recorder or `appgen up` first"
            ) from error
        return
    changes = required_changes(info.config, settings)
    if changes:
        log.warning(
            "stream %s lacks what appgen needs; setting %s (its other settings stay as they are)",
            settings.stream,
            ", ".join(sorted(changes)),
        )
        try:
            await js.update_stream(dataclasses.replace(info.config, **changes))
        except _REFUSED as error:
            if settings.nats_user is None:
                raise
            # Not this user's to change (only the recorder's and the admin's): run with it.
            log.warning(
                "NATS user %s may not update stream %s (%r); running with it as it is",
                settings.nats_user,
                settings.stream,
                error,
            )


# JetStream's answer while it cannot serve yet (no leader, no quorum, still starting).
_UNAVAILABLE = 503


def _not_yet(error: BaseException) -> bool:
    """Whether `error` is JetStream saying "not now" rather than "no"."""
    if isinstance(error, nats.errors.TimeoutError | nats.errors.NoRespondersError):
        return True
    return isinstance(error, APIError) and error.code == _UNAVAILABLE


async def await_stream(
    js: JetStreamContext, settings: NatsSettings, *, within_s: float = 120.0
) -> None:
    """`ensure_stream`, waiting while JetStream cannot answer yet: a cluster electing its leader
    (a few seconds after a node dies or the cluster starts) must not make a process that starts
    meanwhile exit."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    waited = False
    while True:
        try:
            await ensure_stream(js, settings)
        except StreamMissing:
            raise
        except Exception as error:
            if not _not_yet(error) or loop.time() > deadline:
                raise
            if not waited:
                log.warning("JetStream cannot answer yet (%r); waiting for it", error)
                waited = True
            await asyncio.sleep(0.5)
            continue
        if waited:
            log.info("JetStream answers again; stream %s is ready", settings.stream)
        return
