"""The supervisor with real child processes: output, restarts, giving up, and stopping."""

from __future__ import annotations

import asyncio
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from appgen.cli.leftovers import running as alive
from appgen.cli.output import Output
from appgen.cli.restart import RestartPolicy
from appgen.cli.supervisor import ChildSpec, Supervisor

pytestmark = pytest.mark.integration

FAST = RestartPolicy(max_deaths=5, window_s=60.0, backoff_s=(0.0,))

# Says it is up, then runs until SIGTERM and says goodbye (as a service finishing in-flight work).
POLITE = """
import signal, sys, time
def bye(*_):
    print("finishing in-flight work", flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, bye)
print("up [with brackets]", flush=True)
while True:
    time.sleep(0.05)
"""
STUBBORN = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ignoring SIGTERM", flush=True)
while True:
    time.sleep(0.05)
"""
# Crashes on its first run only: a marker file remembers it already did.
CRASH_ONCE = """
import os, sys, time
marker = sys.argv[1]
if not os.path.exists(marker):
    open(marker, "w").close()
    print("crashing", flush=True)
    sys.exit(3)
print("second life", flush=True)
while True:
    time.sleep(0.05)
"""


def spec(label: str, code: str, *args: str) -> ChildSpec:
    return ChildSpec(
        service=label.split("#")[0],
        label=label,
        argv=(sys.executable, "-c", code, *args),
        env=dict(os.environ),
    )


def captured() -> tuple[Output, io.StringIO]:
    buffer = io.StringIO()
    return Output(Console(file=buffer, width=200, color_system=None)), buffer


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the children never got there")


async def test_output_is_prefixed_and_sigterm_lets_children_finish() -> None:
    output, buffer = captured()
    supervisor = Supervisor([spec("screens#1", POLITE), spec("screens#2", POLITE)], output)
    stop = asyncio.Event()
    running = asyncio.create_task(supervisor.run(stop))
    await until(lambda: buffer.getvalue().count("up [with brackets]") == 2)
    pids = supervisor.pids()
    assert sorted(pids) == ["screens#1", "screens#2"]
    stop.set()
    assert await running is None
    text = buffer.getvalue()
    assert "[screens#1] up [with brackets]" in text
    assert "[screens#2] finishing in-flight work" in text
    assert "killing" not in text
    assert not any(alive(pid) for pid in pids.values())
    assert supervisor.starts() == {"screens#1": 1, "screens#2": 1}


async def test_a_child_that_dies_is_restarted(tmp_path: Path) -> None:
    output, buffer = captured()
    supervisor = Supervisor([spec("images#1", CRASH_ONCE, str(tmp_path / "crashed"))], output, FAST)
    stop = asyncio.Event()
    running = asyncio.create_task(supervisor.run(stop))
    await until(lambda: "second life" in buffer.getvalue())
    assert supervisor.starts() == {"images#1": 2}
    assert "images#1 stopped unexpectedly (exit code 3); restarting" in buffer.getvalue()
    stop.set()
    assert await running is None


async def test_a_child_that_keeps_dying_stops_the_stack() -> None:
    output, buffer = captured()
    supervisor = Supervisor(
        [spec("analyzer#1", "import sys; sys.exit(7)"), spec("screens#1", POLITE)], output, FAST
    )
    failure = await asyncio.wait_for(supervisor.run(asyncio.Event()), 60)
    assert failure is not None
    assert "analyzer#1 died 5 times" in failure
    assert "exit code 7" in failure
    assert supervisor.starts()["analyzer#1"] == 5
    # The healthy sibling was stopped politely on the way out.
    assert "[screens#1] finishing in-flight work" in buffer.getvalue()
    assert supervisor.pids() == {}


async def test_a_child_that_ignores_sigterm_is_killed_after_the_grace_period() -> None:
    output, buffer = captured()
    supervisor = Supervisor([spec("finisher#1", STUBBORN)], output, grace_s=0.5)
    stop = asyncio.Event()
    running = asyncio.create_task(supervisor.run(stop))
    await until(lambda: "ignoring SIGTERM" in buffer.getvalue())
    pid = supervisor.pids()["finisher#1"]
    stop.set()
    assert await asyncio.wait_for(running, 30) is None
    assert "finisher#1 did not stop in time; killing it" in buffer.getvalue()
    assert not alive(pid)


async def test_a_second_stop_request_cuts_the_grace_period_short() -> None:
    output, buffer = captured()
    supervisor = Supervisor([spec("finisher#1", STUBBORN)], output, grace_s=600.0)
    stop, hurry = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(supervisor.run(stop, hurry))
    await until(lambda: "ignoring SIGTERM" in buffer.getvalue())
    stop.set()
    hurry.set()
    assert await asyncio.wait_for(running, 30) is None
    assert "killing it" in buffer.getvalue()


async def test_a_long_line_arrives_whole_or_in_pieces_but_never_stalls() -> None:
    output, buffer = captured()
    code = "print('x' * 3_000_000, flush=True); print('after', flush=True); import time; time.sleep(60)"
    supervisor = Supervisor([spec("gateway#1", code)], output, grace_s=5.0)
    stop = asyncio.Event()
    running = asyncio.create_task(supervisor.run(stop))
    await until(lambda: "[gateway#1] after" in buffer.getvalue())
    assert buffer.getvalue().count("x") >= 3_000_000
    stop.set()
    await running
