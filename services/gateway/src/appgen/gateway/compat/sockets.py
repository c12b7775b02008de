"""The WebSockets this gateway process holds open, per project."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager


class OpenSockets:
    """Counts each project's open sockets while they last (one process's, not the cluster's)."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    @contextmanager
    def holding(self, project_id: str) -> Iterator[None]:
        """Count one socket of `project_id` for the duration of the block."""
        self._counts[project_id] += 1
        try:
            yield
        finally:
            self._counts[project_id] -= 1
            if self._counts[project_id] <= 0:
                del self._counts[project_id]

    def count(self, project_id: str) -> int:
        return self._counts.get(project_id, 0)
