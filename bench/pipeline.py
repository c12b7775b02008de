"""Time to preview and to completion over the local stack: `python -m bench pipeline [--projects 50]`.

Starts its own nats-server (fsync always) and PostgreSQL, runs every stage service as its own
process (as `appgen up` does), then publishes `ProjectRequested` events and watches the stream
for each project's `PreviewReady` and `ProjectCompleted`:
  1. one project at a time (latency: p50/p95 to preview and to completion);
  2. 20 in flight (throughput: projects completed per second).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nats
from nats.aio.msg import Msg

from appgen.events import (
    NatsSettings,
    PreviewReady,
    ProjectCompleted,
    ProjectRequested,
    new_project_id,
    open_bus,
)
from appgen.events.catalog.subjects import parse_subject, type_filter
from appgen.store.migrate import upgrade_to_head
from bench._measure import percentile
from bench._prompts import PROMPTS
from bench._servers import own_servers

SERVICES = ("recorder", "analyzer", "scaffolder", "screens", "images", "finisher")


class Clock:
    """When each project was requested, previewed and completed (monotonic seconds)."""

    def __init__(self) -> None:
        self.requested: dict[str, float] = {}
        self.preview: dict[str, float] = {}
        self.complete: dict[str, float] = {}
        self.done = asyncio.Condition()

    async def on_message(self, msg: Msg) -> None:
        now = time.perf_counter()
        project, kind = parse_subject(msg.subject)
        target = self.preview if kind == PreviewReady.__name__ else self.complete
        target.setdefault(project, now)
        async with self.done:
            self.done.notify_all()

    async def wait_complete(self, projects: list[str]) -> None:
        async with self.done:
            await asyncio.wait_for(
                self.done.wait_for(lambda: all(p in self.complete for p in projects)), 60
            )


def start_services(env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    processes = []
    for name in SERVICES:
        log = (logs / f"{name}.log").open("wb")
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", f"appgen.{name}"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    return processes


async def measure(nats_url: str, projects: int, in_flight: int) -> list[tuple[str, str]]:
    clock = Clock()
    nc = await nats.connect(nats_url)
    for kind in (PreviewReady, ProjectCompleted):
        await nc.subscribe(type_filter(kind), cb=clock.on_message)
    rows: list[tuple[str, str]] = []
    async with open_bus(NatsSettings(nats_url=nats_url), name="bench") as bus:

        async def one(index: int) -> str:
            project = new_project_id()
            clock.requested[project] = time.perf_counter()
            await bus.publish(
                ProjectRequested(project_id=project, prompt=PROMPTS[index % len(PROMPTS)])
            )
            await clock.wait_complete([project])
            return project

        await one(0)  # warm-up: consumers created, caches filled
        sequential = [await one(i) for i in range(projects)]
        preview = [(clock.preview[p] - clock.requested[p]) * 1000 for p in sequential]
        complete = [(clock.complete[p] - clock.requested[p]) * 1000 for p in sequential]
        rows += [
            ("projects, one at a time", f"{projects}"),
            (
                "to PreviewReady p50 / p95",
                f"{percentile(preview, 0.5):.0f} ms / {percentile(preview, 0.95):.0f} ms",
            ),
            (
                "to ProjectCompleted p50 / p95",
                f"{percentile(complete, 0.5):.0f} ms / {percentile(complete, 0.95):.0f} ms",
            ),
            (
                "preview / completion (p50)",
                f"{statistics.median(preview) / statistics.median(complete):.2f}",
            ),
            ("preview p50 / 250 ms target", f"{statistics.median(preview) / 250:.2f}"),
            ("completion p50 / 2 s target", f"{statistics.median(complete) / 2000:.2f}"),
        ]
        semaphore = asyncio.Semaphore(in_flight)

        async def bounded(index: int) -> str:
            async with semaphore:
                return await one(index)

        started = time.perf_counter()
        concurrent = await asyncio.gather(*(bounded(i) for i in range(projects * 2)))
        elapsed = time.perf_counter() - started
        loaded = [(clock.preview[p] - clock.requested[p]) * 1000 for p in concurrent]
        rows += [
            (f"projects, {in_flight} in flight", f"{len(concurrent)}"),
            ("completed per second", f"{len(concurrent) / elapsed:.1f}"),
            ("to PreviewReady p50 under load", f"{percentile(loaded, 0.5):.0f} ms"),
        ]
    await nc.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench pipeline")
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--in-flight", type=int, default=20)
    args = parser.parse_args()
    with own_servers("pipeline") as servers:
        processes: list[subprocess.Popen[bytes]] = []
        try:
            upgrade_to_head(servers.postgres.url())
            env = {
                **os.environ,
                "APPGEN_NATS_URL": servers.nats.url,
                "APPGEN_DATABASE_URL": servers.postgres.url(),
            }
            processes = start_services(env, servers.folder)
            rows = asyncio.run(measure(servers.nats.url, args.projects, args.in_flight))
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=20)
    width = max(len(name) for name, _ in rows)
    print(
        f"\npipeline over the local stack ({len(SERVICES)} service processes, {os.cpu_count()} cores)"
    )
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
