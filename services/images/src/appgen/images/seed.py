"""A tiny deterministic random source, so that the same name always draws the same picture.

`random.Random` would do today, but its string seeding is an implementation detail; hashing
with SHA-256 is stable across Python versions and platforms by definition.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class Seeded:
    """Uniform numbers drawn from SHA-256 of (seed, counter)."""

    def __init__(self, seed: str) -> None:
        self._seed = seed.encode()
        self._counter = 0

    def unit(self) -> float:
        """A number in [0, 1)."""
        block = hashlib.sha256(self._seed + b":" + str(self._counter).encode()).digest()
        self._counter += 1
        return int.from_bytes(block[:7], "big") / float(1 << 56)

    def between(self, low: float, high: float) -> float:
        return low + (high - low) * self.unit()

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high], both ends included."""
        return low + int(self.unit() * (high - low + 1))

    def choice(self, options: Sequence[T]) -> T:
        return options[int(self.unit() * len(options))]
