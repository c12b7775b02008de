"""When a service that died is started again, and when the stack gives up on it."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RestartPolicy:
    """`max_deaths` deaths inside `window_s` seconds stop the stack; until then back off."""

    max_deaths: int = 5
    window_s: float = 60.0
    backoff_s: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0)

    def delay(self, recent_deaths: int) -> float:
        index = min(max(recent_deaths - 1, 0), len(self.backoff_s) - 1)
        return self.backoff_s[index] if self.backoff_s else 0.0


@dataclass
class CrashHistory:
    """The recent deaths of one process. Times are monotonic seconds, passed in by the caller."""

    policy: RestartPolicy = field(default_factory=RestartPolicy)
    _deaths: deque[float] = field(default_factory=deque)

    def died(self, at: float) -> float | None:
        """Record a death; the delay before the restart, or None when the stack should give up."""
        while self._deaths and at - self._deaths[0] > self.policy.window_s:
            self._deaths.popleft()
        self._deaths.append(at)
        if len(self._deaths) >= self.policy.max_deaths:
            return None
        # A process that ran quietly for a whole window starts again from the shortest delay.
        return self.policy.delay(len(self._deaths))

    @property
    def recent(self) -> int:
        return len(self._deaths)
