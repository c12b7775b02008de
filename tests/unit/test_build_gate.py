"""The gate of background builds, on real child processes: a closed gate stops a running command
(and the ones it started) and holds a new one; the timeout counts only the time it ran."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from appgen.render.gate import Gate, run_gated

# A command that ticks into a file every 10 ms, `ticks` times, through a child of its own (as
# `npx` runs `node`), so stopping it must stop its whole process group.
TICKER = """
import subprocess, sys
subprocess.run([sys.executable, "-c", '''
import sys, time
for n in range(int(sys.argv[2])):
    with open(sys.argv[1], "a") as f:
        f.write("x")
    time.sleep(0.01)
''', sys.argv[1], sys.argv[2]], check=True)
"""


def ticks(path: Path) -> int:
    return len(path.read_text()) if path.exists() else 0


@contextmanager
def running(
    gate: Gate, path: Path, count: int, timeout: float
) -> Iterator[dict[str, tuple[int | None, str]]]:
    result: dict[str, tuple[int | None, str]] = {}

    def body() -> None:
        result["done"] = run_gated(
            [sys.executable, "-c", TICKER, str(path), str(count)],
            path.parent,
            os.environ,
            timeout=timeout,
            gate=gate,
        )

    thread = threading.Thread(target=body)
    thread.start()
    try:
        yield result
    finally:
        gate.open()
        thread.join(30)


def wait_for(check: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_closed_gate_stops_the_command_and_its_children_until_it_opens(tmp_path: Path) -> None:
    gate, path = Gate(), tmp_path / "ticks"
    with running(gate, path, 60, timeout=30) as result:
        wait_for(lambda: ticks(path) >= 5)
        gate.close()
        time.sleep(0.2)
        stopped_at = ticks(path)
        time.sleep(0.5)
        assert ticks(path) == stopped_at
        assert stopped_at < 60
        gate.open()
        wait_for(lambda: "done" in result)
    assert result["done"][0] == 0
    assert ticks(path) == 60


def test_a_closed_gate_holds_a_new_command_and_its_timeout_counts_only_running(
    tmp_path: Path,
) -> None:
    gate, path = Gate(), tmp_path / "ticks"
    gate.close()
    # About 0.4 s of running in all, held 1.5 s: over the timeout in wall time, not in running.
    with running(gate, path, 40, timeout=1.2) as result:
        time.sleep(0.5)
        assert ticks(path) == 0
        gate.open()
        wait_for(lambda: ticks(path) >= 10)
        gate.close()
        time.sleep(1.0)
        gate.open()
        wait_for(lambda: "done" in result)
    assert result["done"][0] == 0
    assert ticks(path) == 40


def test_a_command_that_runs_too_long_is_killed_with_its_children(tmp_path: Path) -> None:
    gate, path = Gate(), tmp_path / "ticks"
    with running(gate, path, 100_000, timeout=0.5) as result:
        wait_for(lambda: "done" in result)
    assert result["done"][0] is None
    after = ticks(path)
    time.sleep(0.3)
    assert ticks(path) == after, "a child of the command kept running"
