"""When a dead service is restarted, and when the stack gives up on it."""

from __future__ import annotations

import pytest

from appgen.cli.restart import CrashHistory, RestartPolicy
from appgen.cli.supervisor import describe_exit

pytestmark = pytest.mark.unit

POLICY = RestartPolicy(max_deaths=5, window_s=60.0, backoff_s=(0.5, 1.0, 2.0, 4.0))


def test_backs_off_then_gives_up_on_the_fifth_quick_death() -> None:
    history = CrashHistory(POLICY)
    delays = [history.died(at) for at in (0.0, 1.0, 2.0, 3.0, 4.0)]
    assert delays == [0.5, 1.0, 2.0, 4.0, None]


def test_deaths_outside_the_window_are_forgotten() -> None:
    history = CrashHistory(POLICY)
    for at in (0.0, 1.0, 2.0, 3.0):
        history.died(at)
    # A long quiet run: the next death counts as the first again.
    assert history.died(500.0) == 0.5
    assert history.recent == 1


def test_slow_deaths_never_stop_the_stack() -> None:
    history = CrashHistory(POLICY)
    assert all(history.died(at * 61.0) == 0.5 for at in range(20))


def test_the_last_backoff_repeats() -> None:
    policy = RestartPolicy(max_deaths=10, window_s=1000.0, backoff_s=(1.0, 3.0))
    history = CrashHistory(policy)
    assert [history.died(float(at)) for at in range(4)] == [1.0, 3.0, 3.0, 3.0]


def test_exit_descriptions() -> None:
    assert describe_exit(3) == "exit code 3"
    assert describe_exit(-9) == "signal SIGKILL"
