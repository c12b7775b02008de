"""Latency as a user sees it: `python -m bench latency [--projects 200] [--concurrency 5] [--quick]`.

Starts its own nats-server and PostgreSQL, then the whole stack with `appgen up` pointed at
them (every service its own process, keys on), makes one bench key, and from this process, a real
client (httpx + websockets), times each generation from `POST /api/v1/projects` to the WebSocket
message whose stage is `preview_ready` and to the `complete` message:
  1. one at a time, with random gaps between projects, some idle longer than the live
     subscription's heartbeat so a pause after an idle period shows;
  2. `--concurrency` at a time: first that many POSTs at the same moment (reported on their
     own), then as many users as that, each pausing a random short gap before every prompt.
Every event message received is also timed from its `occurred_at` to its arrival here (one
machine, one wall clock): how long it waited on its way through the pipeline and the gateway.
Prints p50/p95/p99/max and each against its target; exits 0 either way (it is a measurement).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import websockets

from appgen.gateway.testing import bearer, create_key
from bench._measure import percentile
from bench._prompts import PROMPTS
from bench._servers import own_servers, use_uvloop
from bench._stack import running_stack

PROJECT_TIMEOUT_S = 60.0
STALL_MS = 1000.0
# (what, statistic, target in ms)
PREVIEW_TARGETS = (("p50", 50.0), ("p99", 150.0), ("max", 500.0))
EVENT_TARGET = ("max", 250.0)


@dataclass
class Timing:
    """One generation, in ms from the POST: None where the message never came."""

    preview_ms: float | None = None
    complete_ms: float | None = None
    # From the POST to PreviewReady's occurred_at: the pipeline's share of the time to preview.
    pipeline_ms: float | None = None
    # From the POST to its answer, and to the WebSocket's handshake done: the client's share.
    answered_ms: float | None = None
    opened_ms: float | None = None
    failure: str | None = None
    # When the POST was made (time.perf_counter()), to place each one in its phase.
    posted_s: float = 0.0


@dataclass
class Results:
    sequential: list[Timing] = field(default_factory=list)
    concurrent: list[Timing] = field(default_factory=list)
    # Event occurred_at -> arrival here, ms; and the same for events that occurred while the
    # socket was already open (the rest waited partly for the client to connect).
    waits: list[float] = field(default_factory=list)
    live_waits: list[float] = field(default_factory=list)
    first: Timing | None = None
    # The concurrency's worth of POSTs made at the same moment, before the concurrent phase.
    together: list[Timing] = field(default_factory=list)


@dataclass(frozen=True)
class Gaps:
    """Seconds between one project's completion and the next POST, one at a time."""

    short: tuple[float, float]
    idle: tuple[float, float]
    idle_every: int

    def before(self, index: int, rng: random.Random) -> float:
        if self.idle_every and index % self.idle_every == self.idle_every - 1:
            return rng.uniform(*self.idle)
        return rng.uniform(*self.short)


def seconds_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


async def generate(
    http: httpx.AsyncClient, ws_origin: str, key: str, prompt: str, results: Results
) -> Timing:
    started, started_wall = time.perf_counter(), time.time()
    timing = Timing(posted_s=started)
    response = await http.post("/api/v1/projects", json={"prompt": prompt})
    timing.answered_ms = (time.perf_counter() - started) * 1000
    if response.status_code not in (200, 202):
        timing.failure = f"POST {response.status_code}: {response.text[:200]}"
        return timing
    project_id = response.json()["project_id"]
    url = f"{ws_origin}/api/v1/ws/generate/{project_id}"
    try:
        async with (
            asyncio.timeout(PROJECT_TIMEOUT_S),
            # No read-side flow control (max_queue=None): with it, leaving the socket while more
            # than 16 messages are unread pauses reading, the server's close frame is never
            # read, and the close waits out websockets' 10 s close_timeout.
            websockets.connect(
                url, additional_headers=bearer(key), max_size=2**22, max_queue=None
            ) as socket,
        ):
            opened = time.time()
            timing.opened_ms = (time.perf_counter() - started) * 1000
            async for raw in socket:
                now, wall = time.perf_counter(), time.time()
                message = json.loads(raw)
                if "occurred_at" not in message:
                    continue
                occurred = datetime.fromisoformat(message["occurred_at"]).timestamp()
                results.waits.append((wall - occurred) * 1000)
                if occurred >= opened:
                    results.live_waits.append((wall - occurred) * 1000)
                if message.get("stage") == "preview_ready" and timing.preview_ms is None:
                    timing.preview_ms = (now - started) * 1000
                    timing.pipeline_ms = (occurred - started_wall) * 1000
                if message.get("type") == "complete":
                    timing.complete_ms = (now - started) * 1000
                    return timing
                if message.get("event_type") == "ProjectFailed":
                    data = message.get("data", {})
                    timing.failure = f"failed: {data.get('reason') or data.get('error')}"
                    return timing
    except TimeoutError:
        timing.failure = f"no complete message within {PROJECT_TIMEOUT_S:g} s"
    except websockets.ConnectionClosed as closed:
        timing.failure = f"socket closed: {closed}"
    return timing


async def measure(origin: str, key: str, args: argparse.Namespace, gaps: Gaps) -> Results:
    results = Results()
    rng = random.Random(args.seed)
    ws_origin = origin.replace("http://", "ws://", 1)
    async with httpx.AsyncClient(base_url=origin, headers=bearer(key), timeout=30) as http:
        # The first project after start (consumers made, caches cold) is reported on its own.
        results.first = await generate(http, ws_origin, key, PROMPTS[0], results)
        for index in range(args.projects):
            await asyncio.sleep(gaps.before(index, rng))
            prompt = PROMPTS[index % len(PROMPTS)]
            results.sequential.append(await generate(http, ws_origin, key, prompt, results))
            if sys.stdout.isatty():
                print(f"\r  one at a time: {index + 1}/{args.projects}", end="", flush=True)
        print(f"\r  one at a time: {args.projects} done; now {args.concurrency} at a time")
        # First, as many POSTs as the concurrency at the very same moment, reported on their
        # own: users who press the button within the same millisecond.
        together = [PROMPTS[i % len(PROMPTS)] for i in range(args.concurrency)]
        results.together = list(
            await asyncio.gather(*(generate(http, ws_origin, key, p, results) for p in together))
        )
        left = iter(range(args.projects))

        async def worker() -> None:
            # Each worker a user: a gap before every prompt (as one at a time), so the workers'
            # POSTs fall where they fall, not in step.
            for index in left:
                await asyncio.sleep(rng.uniform(*gaps.short))
                prompt = PROMPTS[index % len(PROMPTS)]
                results.concurrent.append(await generate(http, ws_origin, key, prompt, results))

        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    return results


def stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": max(values),
    }


def present(values: list[float | None]) -> list[float]:
    return [value for value in values if value is not None]


def print_table(rows: list[tuple[str, list[float]]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"  {'':<{width}}  {'n':>6} {'p50':>9} {'p95':>9} {'p99':>9} {'max':>9}")
    for name, values in rows:
        row = stats(values)
        cells = " ".join(
            f"{row.get(k, float('nan')):>6.0f} ms" for k in ("p50", "p95", "p99", "max")
        )
        print(f"  {name:<{width}}  {len(values):>6} {cells}")


def print_targets(checks: list[tuple[str, float | None, float]]) -> None:
    print("\ntargets (ratio = measured / target; <= 1.00 is met)")
    width = max(len(label) for label, _, _ in checks)
    missed = 0
    for label, value, goal in checks:
        if value is None:
            print(f"  {label:<{width}}  no data  MISSED")
            missed += 1
            continue
        met = value < goal
        missed += not met
        verdict = "met" if met else "MISSED"
        print(f"  {label:<{width}}  {value:>8.0f} ms  {value / goal:>6.2f}  {verdict}")
    print(f"\n{len(checks) - missed} of {len(checks)} targets met" + (", MISSED" * bool(missed)))


def report(results: Results, args: argparse.Namespace) -> None:
    each = f"{args.concurrency} at a time"
    phases = (("one at a time", results.sequential), (each, results.concurrent))
    rows: list[tuple[str, list[float]]] = []
    for phase, timings in phases:
        rows += [
            (f"time to preview, {phase}", present([t.preview_ms for t in timings])),
            ("  of which POST -> PreviewReady occurred", present([t.pipeline_ms for t in timings])),
            ("  POST -> its answer", present([t.answered_ms for t in timings])),
            ("  POST -> WebSocket open", present([t.opened_ms for t in timings])),
            (f"time to complete, {phase}", present([t.complete_ms for t in timings])),
        ]
    rows += [
        ("event occurred -> arrival, all", results.waits),
        ("  of which occurred with the socket open", results.live_waits),
    ]
    print(f"\nlatency at a client through the gateway ({os.cpu_count()} cores)")
    print_table(rows)
    if results.first is not None:
        first = results.first
        print(
            f"  first project after start: preview {first.preview_ms or float('nan'):.0f} ms, "
            f"complete {first.complete_ms or float('nan'):.0f} ms"
            + (f" ({first.failure})" if first.failure else "")
        )
    if results.together:
        previews = present([t.preview_ms for t in results.together])
        print(
            f"  {len(results.together)} posted at the same moment: preview "
            + " / ".join(f"{v:.0f}" for v in sorted(previews))
            + " ms (in the max target only: p50 and p99 are of users who each pause between prompts)"
        )
    for phase, timings in (*phases, ("at the same moment", results.together)):
        failures = [t.failure for t in timings if t.failure]
        stalled = sum(1 for t in timings if (t.preview_ms or 0) > STALL_MS)
        print(f"  {phase}: {len(failures)} failed, {stalled} over {STALL_MS:.0f} ms to preview")
        for failure in sorted(set(failures))[:5]:
            print(f"    {failure}")
    checks: list[tuple[str, float | None, float]] = [
        (f"time to preview, {phase}: {stat} < {target:.0f} ms", stats(values).get(stat), target)
        for phase, timings in phases
        for values in [present([t.preview_ms for t in timings])]
        for stat, target in PREVIEW_TARGETS
        if not (stat == "max" and timings is results.concurrent)
    ]
    # The worst any of them waited counts the ones posted at the same moment too.
    worst = present([t.preview_ms for t in (*results.concurrent, *results.together)])
    stat, target = next((s, t) for s, t in PREVIEW_TARGETS if s == "max")
    label = f"time to preview, {each} (and {len(results.together)} together): max < {target:.0f} ms"
    checks.append((label, stats(worst).get(stat), target))
    stat, target = EVENT_TARGET
    label = f"no event waits {target:.0f} ms or more ({stat})"
    checks.append((label, stats(results.waits).get(stat), target))
    print_targets(checks)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench latency", description=__doc__)
    parser.add_argument("--projects", type=int, default=None, help="per phase (default 200)")
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--gaps", default=None, help="short gaps, seconds LOW-HIGH (0.05-1.0)")
    parser.add_argument("--idle", default=None, help="idle gaps, seconds LOW-HIGH (6-11)")
    parser.add_argument("--idle-every", type=int, default=None, help="every Nth gap idle (15)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="30 projects, shorter gaps")
    parser.add_argument(
        "--timings", type=Path, default=None, help="also write every generation's times here"
    )
    args = parser.parse_args()
    if args.timings is not None and not args.timings.parent.is_dir():
        # Said before the run, not after minutes of measuring.
        parser.error(f"--timings {args.timings}: no folder {args.timings.parent}")
    defaults = (30, "0.05-0.5", "6-8", 10) if args.quick else (200, "0.05-1.0", "6-11", 15)
    args.projects = args.projects or defaults[0]
    gaps = Gaps(
        seconds_range(args.gaps or defaults[1]),
        seconds_range(args.idle or defaults[2]),
        defaults[3] if args.idle_every is None else args.idle_every,
    )
    use_uvloop()
    with own_servers("latency") as servers:
        database_url = servers.postgres.create_database("bench_latency")
        with running_stack(servers.nats.url, database_url, servers.folder) as origin:
            key = asyncio.run(create_key(database_url, "bench"))
            results = asyncio.run(measure(origin, key, args, gaps))
    report(results, args)
    if args.timings is not None:
        write_timings(results, args.timings)


def write_timings(results: Results, path: Path) -> None:
    """Every generation as a JSON line, in the order its POST was made: which phase, its POST's
    offset from the phase's first, and its times. To look into what a percentile hides (which
    generations were the slow ones, and which part of them was)."""
    with path.open("w") as out:
        for phase, timings in (
            ("sequential", results.sequential),
            ("together", results.together),
            ("concurrent", results.concurrent),
        ):
            if not timings:
                continue
            first = min(t.posted_s for t in timings)
            for timing in sorted(timings, key=lambda t: t.posted_s):
                line = dataclasses.asdict(timing) | {
                    "phase": phase,
                    "posted_s": round(timing.posted_s - first, 4),
                }
                out.write(json.dumps(line) + "\n")
    print(f"\nevery generation's times: {path}")


if __name__ == "__main__":
    main()
