"""A background service's CPU priority reaches every thread and child it runs.

Each case runs `run_process` in a process of its own (lowering a priority cannot be undone
without privileges, so never in the test runner), with a body that reports the scheduling
policy and niceness seen by its event loop's thread, a worker thread and a child process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from appgen.native.settings import Settings as NativeSettings

pytestmark = pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling only")

REPORT = textwrap.dedent(
    """
    import asyncio, json, os, subprocess, sys

    from appgen.events import ServiceSettings
    from appgen.events.transport.process import run_process

    def seen():
        return [os.sched_getscheduler(0), os.nice(0)]

    async def body(stop):
        child = subprocess.run(
            [sys.executable, "-c", "import os; print(os.sched_getscheduler(0), os.nice(0))"],
            check=True, capture_output=True, text=True,
        ).stdout.split()
        print(json.dumps({
            "loop": seen(),
            "thread": await asyncio.to_thread(seen),
            "child": [int(part) for part in child],
        }))

    run_process("priority-test", ServiceSettings.model_validate(json.loads(sys.argv[1])), body)
    """
)


def report(**settings: object) -> dict[str, list[int]]:
    done = subprocess.run(
        [sys.executable, "-c", REPORT, json.dumps(settings)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    result: dict[str, list[int]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_idle_priority_reaches_the_loop_its_threads_and_its_children() -> None:
    start = os.nice(0)
    seen = report(idle_priority=True, nice=3)
    for where in ("loop", "thread", "child"):
        assert seen[where] == [os.SCHED_IDLE, start + 3], where


def test_a_service_keeps_the_normal_policy_unless_it_asks() -> None:
    start = os.nice(0)
    seen = report()
    for where in ("loop", "thread", "child"):
        assert seen[where] == [os.SCHED_OTHER, start], where


def test_the_native_stage_runs_on_idle_cpu_only() -> None:
    # Its bundler took both cores at nice 10 (docs/expo.md, "The native stage").
    settings = NativeSettings()
    assert settings.idle_priority
    assert settings.nice == 10
