"""Parsing `--scale SERVICE=N`: how many processes of a stage to run."""

from __future__ import annotations

from collections.abc import Iterable

from appgen.cli.services import BY_NAME


class ScaleError(ValueError):
    """A `--scale` value that names no service, is malformed, or asks for a non-positive count."""


def parse_scale(values: Iterable[str]) -> dict[str, int]:
    """`["screens=3", "images=2"]` → `{"screens": 3, "images": 2}`; raises ScaleError."""
    counts: dict[str, int] = {}
    for value in values:
        name, sep, raw = value.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name or not raw:
            raise ScaleError(f"{value!r} is not SERVICE=N (for example screens=3)")
        service = BY_NAME.get(name)
        if service is None:
            known = ", ".join(s.name for s in BY_NAME.values() if s.scalable)
            raise ScaleError(f"{name!r} is not a service; scalable services: {known}")
        if service.single_because is not None:
            raise ScaleError(f"{name} runs as one process: {service.single_because}")
        try:
            count = int(raw)
        except ValueError:
            raise ScaleError(f"{value!r}: {raw!r} is not a whole number") from None
        if count < 1:
            raise ScaleError(f"{value!r}: the count must be at least 1")
        if name in counts:
            raise ScaleError(f"{name} is scaled twice")
        counts[name] = count
    return counts
