"""No credential in any log line: keys, tokens, `?access_token=` values and preview-link signatures
are replaced with `[redacted]` in every record this process logs, uvicorn's access log included.

A filter on a logger sees only the records logged to that logger, not those that propagate to
it, and uvicorn replaces its loggers' handlers when it configures logging, so the filter is
applied where every record is made: the log record factory (`install`). It rewrites the message,
its arguments (keeping their shape: uvicorn's access formatter unpacks them) and any traceback.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"
_PATTERNS = (
    # `?access_token=` (or `&`) in a URL, whatever the value.
    (re.compile(r"(access_token=)(?!%|\[redacted)[^&\s\"']+"), rf"\g<1>{REDACTED}"),
    # An API key: its id is not secret and helps to debug, its secret is.
    (re.compile(r"\b(appgen_[0-9a-f]{12}_)[A-Za-z0-9_-]+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"\bappgen_[A-Za-z0-9_-]{20,}"), REDACTED),
    # A token, any format.
    (re.compile(r"\btok\.[A-Za-z0-9._-]{8,}"), f"tok.{REDACTED}"),
    # A preview link's token after the project id (the link is the permission).
    (re.compile(r"(/preview/[A-Za-z0-9_-]+)\.[A-Za-z0-9._-]+"), rf"\g<1>.{REDACTED}"),
    # A bearer credential of any shape.
    (
        re.compile(r"(?i)(bearer\s+)(?!%|\[redacted|tok\.\[|appgen_\w{12}_\[)[^\s\"',]+"),
        rf"\g<1>{REDACTED}",
    ),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bytes | bytearray):
        return redact(value.decode("utf-8", "replace"))
    return value


class RedactingFilter(logging.Filter):
    """Rewrites a record in place so that no credential reaches any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {name: _redact_value(arg) for name, arg in record.args.items()}
        if record.args:
            # A secret split between the message and an argument (`"Bearer %s"`) shows only
            # once they are joined: then the joined message replaces both.
            try:
                message = record.getMessage()
            except (TypeError, ValueError):
                message = None
            if message is not None and (joined := redact(message)) != message:
                record.msg, record.args = joined, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install() -> None:
    """Redact every record made in this process from now on (idempotent)."""
    root = logging.getLogger()
    if _FILTER not in root.filters:
        root.addFilter(_FILTER)
    make = logging.getLogRecordFactory()
    if getattr(make, "redacts", False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        _FILTER.filter(record)
        return record

    redacting_factory.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)
