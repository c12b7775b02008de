"""Logging with the project and event on every line, as text for people or JSON for machines.

The consumer loop binds the event it is handling (`bound_to`) in a context variable; a filter on
the root handler copies it onto every record logged while the handler runs, including the
handler's own lines and the libraries' it calls, so no call site has to pass it along.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from appgen.events.catalog.envelope import Event

_CONTEXT_FIELDS = ("service", "project_id", "event_id", "event_type", "trace_id")
_BOUND: ContextVar[dict[str, Any] | None] = ContextVar("appgen_log_context", default=None)


@contextmanager
def bound_to(event: Event, **extra: Any) -> Iterator[None]:
    """Every log line inside the block carries the event's project, id, type and trace."""
    fields: dict[str, Any] = {
        "project_id": event.project_id,
        "event_id": str(event.event_id),
        "event_type": event.type,
        "trace_id": event.metadata.trace_id,
    }
    fields.update({k: v for k, v in extra.items() if v is not None})
    token = _BOUND.set(fields)
    try:
        yield
    finally:
        _BOUND.reset(token)


def bound_fields() -> dict[str, Any]:
    """What `bound_to` set for the running task (empty outside a handler)."""
    return dict(_BOUND.get() or {})


class EventLogger(logging.LoggerAdapter[logging.Logger]):
    def process(
        self, msg: Any, kwargs: MutableMapping[str, Any]
    ) -> tuple[Any, MutableMapping[str, Any]]:
        kwargs["extra"] = {**(self.extra or {}), **kwargs.get("extra", {})}
        return msg, kwargs


def event_logger(logger: logging.Logger, event: Event) -> EventLogger:
    return EventLogger(
        logger,
        {
            "project_id": event.project_id,
            "event_id": str(event.event_id),
            "event_type": event.type,
            "trace_id": event.metadata.trace_id,
        },
    )


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _CONTEXT_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = " ".join(
            f"{key}={getattr(record, key)}"
            for key in ("project_id", "event_id", "trace_id")
            if getattr(record, key, None) is not None
        )
        return f"{text} [{context}]" if context else text


def configure_logging(service: str, *, level: str = "INFO", json_lines: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        _JsonFormatter()
        if json_lines
        else _TextFormatter(f"%(asctime)s %(levelname)s {service} %(name)s: %(message)s")
    )
    handler.addFilter(_ServiceFilter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


class _ServiceFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        for key, value in (_BOUND.get() or {}).items():
            # Explicit `extra=` on a call wins over the bound context.
            if getattr(record, key, None) is None:
                setattr(record, key, value)
        return True
