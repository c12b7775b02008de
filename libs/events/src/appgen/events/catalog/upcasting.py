"""Upcasters: how an event written at an older schema of its type is read today.

The rule for changing an event type (docs/architecture.md, "Changing an event"): any change to
its fields bumps its `SCHEMA` and registers an upcaster from the schema before, which turns the
stored JSON of the old shape into the new one. Stored events are never rewritten: they are
upcast each time they are read. A process that meets an event of a schema newer than its own
(written by a newer version during a rolling deploy) cannot read it and parks it for a newer
process (`codec.NewerEvent`, the consumer loop).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Raw = dict[str, Any]
Upcaster = Callable[[Raw], Raw]

_UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcaster(type_name: str, from_schema: int) -> Callable[[Upcaster], Upcaster]:
    """Register `function` as the step from `from_schema` to `from_schema + 1` of `type_name`."""

    def register(function: Upcaster) -> Upcaster:
        key = (type_name, from_schema)
        if key in _UPCASTERS:
            raise ValueError(f"{type_name} already has an upcaster from schema {from_schema}")
        _UPCASTERS[key] = function
        return function

    return register


def upcast(type_name: str, raw: Raw, *, stored: int, current: int) -> Raw:
    """`raw` (written at schema `stored`) as schema `current`, one registered step at a time."""
    for schema in range(stored, current):
        step = _UPCASTERS.get((type_name, schema))
        if step is None:
            raise LookupError(f"{type_name} has no upcaster from schema {schema}")
        raw = step(dict(raw))
    return {**raw, "schema_version": current}
