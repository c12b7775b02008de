"""Idle WebSockets: many connected clients on ONE gateway process, quiet, then one burst.

`python -m bench ws_idle [--clients 10000] [--projects 1000] [--burst-projects N] [--idle-s 10]`
starts its own nats-server and PostgreSQL, runs the gateway as its own process
(`python -m appgen.gateway`) with its heartbeat shorter than the idle period, connects the
clients (one bench key, `--batch` handshakes at a time) from `--procs` client processes, lets
them sit idle, then publishes one `ScreenAdded` to each of `--burst-projects` projects and
measures, for every (event, client) pair, the time from just before the publish to the arrival
(`time.time()`: one machine, one clock across the processes), split at each event's JetStream
ack into the stream's part and the gateway's. Targets (the issue's): with 10,000 idle sockets the
gateway's RSS stays under 1 GiB, and the burst arrives with p99 < 250 ms. Also printed: the
connect rate, the gateway's CPU and full garbage collections per phase, and the sockets the
gateway closed (none should be). The machine's load is printed too: other work on it skews
the latencies.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from appgen.events import EventBus, NatsSettings, ProjectRequested, ScreenAdded, encode, open_bus
from appgen.events.catalog.subjects import subject_for
from appgen.events.transport.bus import MSG_ID
from appgen.gateway.testing import create_key
from appgen.stack import NatsServer
from appgen.stack.ports import free_port, wait_for_port
from appgen.store.keys import key_id_of
from appgen.store.migrate import upgrade_to_head
from bench._gateway import start_gateway
from bench._measure import cpu_s, memory_mb, percentile
from bench._servers import own_servers, use_uvloop
from bench._wsclients import Arrivals, Collect, Plan, Status, raise_nofile, spawn_clients

RSS_TARGET_MB = 1024.0
P99_TARGET_MS = 250.0
# File descriptors a process keeps for itself beyond its sockets (NATS, PostgreSQL, pipes...).
FD_RESERVE = 1000
COLLECT_TIMEOUT_S = 60.0
# Two a second: up to two minutes for the gateway to let go of every socket.
RELEASE_POLLS = 240


@dataclass(frozen=True)
class Sample:
    """The gateway at one moment, as seen from outside it."""

    rss_mb: float
    cpu_s: float
    # Its own count of open progress sockets (the `appgen_ws_connections` gauge).
    sockets: int
    # Full (generation 2) garbage collections so far: each one walks every tracked object.
    full_gcs: int
    # Messages the hub wrote straight to caught-up sockets (`appgen_ws_direct_frames_total`).
    direct: int
    load: float


def metrics_of(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as response:
        lines = response.read().decode().splitlines()
    return {
        name: float(value)
        for name, _, value in (line.rpartition(" ") for line in lines)
        if name and not name.startswith("#")
    }


async def sample(pid: int, port: int) -> Sample:
    rss, cpu = memory_mb(pid), cpu_s(pid)
    metrics = await asyncio.to_thread(metrics_of, port)
    return Sample(
        rss_mb=rss,
        cpu_s=cpu,
        sockets=int(metrics.get("appgen_ws_connections", -1)),
        full_gcs=int(metrics.get('python_gc_collections_total{generation="2"}', -1)),
        direct=int(metrics.get("appgen_ws_direct_frames_total", 0)),
        load=os.getloadavg()[0],
    )


@dataclass
class Burst:
    """Publish and ack times by event id: the ack says JetStream has stored the event, so the
    gateway's part of an arrival is the time after it."""

    sent: dict[str, float]
    acked: dict[str, float]
    handed_s: float


async def publish_burst(bus: EventBus, projects: frozenset[str]) -> Burst:
    sent: dict[str, float] = {}
    acked: dict[str, float] = {}

    def on_ack(event_id: str) -> Callable[[object], None]:
        return lambda _: acked.__setitem__(event_id, time.time())

    for project_id in sorted(projects):
        event = ScreenAdded(
            project_id=project_id, route="screen-0", title="Screen 0", index=0, total=1
        )
        event_id = str(event.event_id)
        sent[event_id] = time.time()
        future = await bus.js.publish_async(
            subject_for(event), encode(event), headers={MSG_ID: event_id}
        )
        future.add_done_callback(on_ack(event_id))
    handed = time.time()
    await bus.js.publish_async_completed()
    return Burst(sent, acked, handed - min(sent.values()))


@dataclass
class Outcome:
    """Everything measured, for the report."""

    phases: dict[str, Sample]
    peak_mb: float
    connected: list[Status]
    idle: list[Status]
    final: list[Status]
    burst: Burst
    arrivals: list[Arrivals]
    expected: int
    released_s: float


async def measure(
    nats: NatsServer, pid: int, port: int, args: argparse.Namespace, key: str
) -> Outcome:
    projects = [f"bench-{i:05d}" for i in range(args.projects)]
    in_burst = frozenset(projects[: args.burst_projects])
    assigned = [projects[i % len(projects)] for i in range(args.clients)]
    phases: dict[str, Sample] = {}
    async with open_bus(NatsSettings(nats_url=nats.url), name="bench-publisher") as bus:
        for project_id in projects:
            requested = ProjectRequested(
                project_id=project_id, prompt="A todo app", owner=key_id_of(key)
            )
            await bus.js.publish_async(
                subject_for(requested), encode(requested), headers={MSG_ID: str(requested.event_id)}
            )
        await bus.js.publish_async_completed()
        await asyncio.sleep(1)
        phases["before"] = await sample(pid, port)
        plans = [
            Plan(
                base_url=f"ws://127.0.0.1:{port}",
                key=key,
                projects=assigned[i :: args.procs],
                batch=max(1, args.batch // args.procs),
                compression=args.compression,
                timeout_s=args.timeout_s,
                raw=args.client == "raw",
            )
            for i in range(args.procs)
        ]
        clients = spawn_clients(plans)
        connected = [r for r in await clients.replies() if isinstance(r, Status)]
        phases["connected"] = await sample(pid, port)
        await asyncio.sleep(args.idle_s)
        phases["idle"] = await sample(pid, port)
        idle = await clients.statuses()
        burst = await publish_burst(bus, in_burst)
        replies = await clients.ask(Collect(in_burst, COLLECT_TIMEOUT_S))
        phases["burst"] = await sample(pid, port)
        peak_mb = memory_mb(pid, "VmHWM")
    final = await clients.statuses("stop")
    for process in clients.processes:
        process.join(timeout=30)
    # Let the gateway forget every socket (a row each in PostgreSQL) before it is stopped.
    stopped = time.perf_counter()
    for _ in range(RELEASE_POLLS):
        if (await sample(pid, port)).sockets <= 0:
            break
        await asyncio.sleep(0.5)
    return Outcome(
        phases=phases,
        peak_mb=peak_mb,
        connected=connected,
        idle=idle,
        final=final,
        burst=burst,
        arrivals=[r for r in replies if isinstance(r, Arrivals)],
        expected=sum(1 for p in assigned if p in in_burst),
        released_s=time.perf_counter() - stopped,
    )


def closed(statuses: list[Status]) -> Counter[str]:
    total = Counter[str]()
    for status in statuses:
        total.update(status.closed_by_gateway)
    return total


def spread(values: list[float]) -> str:
    return " / ".join(f"{percentile(values, q):.0f}" for q in (0.5, 0.99, 1.0)) + " ms"


def verdict(ratio: float) -> str:
    return "MET" if ratio <= 1.0 else "MISSED"


def report(args: argparse.Namespace, out: Outcome) -> list[tuple[str, str]]:
    before, connected, idle, burst = (
        out.phases[p] for p in ("before", "connected", "idle", "burst")
    )
    ok = sum(s.ok for s in out.connected)
    errors = Counter[str]()
    for status in out.connected:
        errors.update(status.errors)
    connect_s = max(s.connected_at for s in out.connected) - min(s.started for s in out.connected)
    pings = sum(s.pings for s in out.idle) - sum(s.pings for s in out.connected)
    closed_idle, closed_all = closed(out.idle), closed(out.final)
    sent = out.burst.sent
    pairs = [pair for reply in out.arrivals for pair in reply.pairs]
    latencies = [(t - sent[event_id]) * 1000 for event_id, t in pairs if event_id in sent]
    stored = [(a - sent[event_id]) * 1000 for event_id, a in out.burst.acked.items()]
    after_ack = [(t - out.burst.acked[i]) * 1000 for i, t in pairs if i in out.burst.acked]
    p99 = percentile(latencies, 0.99) if latencies else float("inf")
    rss_ratio, p99_ratio = out.peak_mb / RSS_TARGET_MB, p99 / P99_TARGET_MS
    lost = len(latencies) < out.expected
    compression = "permessage-deflate offered" if args.compression else "no compression"
    rows = [
        (
            "clients / projects / client processes",
            f"{args.clients} / {args.projects} / {args.procs} ({compression}, {args.client} client)",
        ),
        (
            "connected / failed",
            f"{ok} / {sum(s.failed for s in out.connected)} {dict(errors) or ''}",
        ),
        (
            "connect all (auth, count, history)",
            f"{connect_s:.1f} s = {ok / connect_s:.0f} sockets/s, {args.batch} at a time",
        ),
        ("gateway's own count: connected / after idle", f"{connected.sockets} / {idle.sockets}"),
        (
            "idle / heartbeat",
            f"{args.idle_s:g} s / {args.heartbeat_s:g} s: {pings} app pings received ({pings / max(ok, 1):.1f} per socket)",
        ),
        (
            "closed by the gateway: while idle / in all",
            f"{sum(closed_idle.values())} / {sum(closed_all.values())} {dict(closed_all) or ''}",
        ),
        (
            "gateway RSS before / connected / idle / burst",
            f"{before.rss_mb:.0f} / {connected.rss_mb:.0f} / {idle.rss_mb:.0f} / {burst.rss_mb:.0f} MB (peak {out.peak_mb:.0f})",
        ),
        (
            "gateway RSS per socket (idle - before)",
            f"{(idle.rss_mb - before.rss_mb) * 1024 / max(ok, 1):.1f} KB",
        ),
        (
            "gateway CPU s: connect / idle / burst / all",
            f"{connected.cpu_s - before.cpu_s:.1f} / {idle.cpu_s - connected.cpu_s:.1f} / {burst.cpu_s - idle.cpu_s:.1f} / {burst.cpu_s:.1f}",
        ),
        (
            "gateway full GCs: connect / idle / burst",
            f"{connected.full_gcs - before.full_gcs} / {idle.full_gcs - connected.full_gcs} / {burst.full_gcs - idle.full_gcs}",
        ),
        (
            "machine load (1 min) before / connected / idle / burst",
            " / ".join(f"{s.load:.1f}" for s in out.phases.values()),
        ),
        ("client processes RSS", " + ".join(f"{s.rss_mb:.0f}" for s in out.idle) + " MB"),
        (
            "client processes CPU s in the burst",
            " + ".join(
                f"{a.cpu_s - s.cpu_s:.1f}" for a, s in zip(out.arrivals, out.idle, strict=True)
            ),
        ),
        (
            "burst: events published (publish_async)",
            f"{len(sent)}, handed over in {out.burst.handed_s * 1000:.0f} ms",
        ),
        ("burst: deliveries received / expected", f"{len(latencies)} / {out.expected}"),
        ("burst: deliveries written by the hub (direct path)", f"{burst.direct - idle.direct}"),
    ]
    if stored:
        rows.append(("burst: publish -> stored (ack) p50 / p99 / max", spread(stored)))
    if after_ack:
        rows.append(("burst: stored (ack) -> arrival p50 / p99 / max", spread(after_ack)))
    if latencies:
        rows.append(
            (
                "burst latency p50 / p95 / p99 / max",
                " / ".join(f"{percentile(latencies, q):.0f}" for q in (0.5, 0.95, 0.99, 1.0))
                + " ms",
            )
        )
    rows += [
        ("gateway released every socket after the clients left", f"in {out.released_s:.1f} s"),
        ("target: peak RSS / 1 GiB", f"{rss_ratio:.2f}  {verdict(rss_ratio)}"),
        (
            "target: burst p99 / 250 ms",
            f"{p99_ratio:.2f}  {'MISSED (deliveries lost)' if lost else verdict(p99_ratio)}",
        ),
    ]
    return rows


async def run(
    nats: NatsServer,
    gateway: subprocess.Popen[bytes],
    port: int,
    args: argparse.Namespace,
    database_url: str,
) -> list[tuple[str, str]]:
    await asyncio.to_thread(wait_for_port, "127.0.0.1", port, timeout=30)
    key = await create_key(database_url, "bench")
    return report(args, await measure(nats, gateway.pid, port, args, key))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench ws_idle", description=__doc__)
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=1000, help="clients spread over these")
    parser.add_argument(
        "--burst-projects", type=int, default=None, help="projects given one event (all)"
    )
    parser.add_argument("--idle-s", type=float, default=10.0)
    parser.add_argument(
        "--heartbeat-s", type=float, default=4.0, help="the gateway's (default there: 20)"
    )
    parser.add_argument("--batch", type=int, default=200, help="handshakes in flight at once")
    parser.add_argument("--procs", type=int, default=1, help="client processes")
    parser.add_argument("--timeout-s", type=float, default=60.0, help="per handshake")
    parser.add_argument(
        "--client",
        choices=["raw", "websockets"],
        default="raw",
        help="read sockets with bench._rawws (a few µs a message) or the websockets client",
    )
    parser.add_argument(
        "--compression",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="offer permessage-deflate, as browsers do",
    )
    args = parser.parse_args()
    args.burst_projects = min(args.burst_projects or args.projects, args.projects)
    limit = raise_nofile()
    # The gateway holds every socket and each client process its share, plus their own files.
    allowed = limit - FD_RESERVE
    print(f"open files: hard limit {limit} per process (raised to it for all of them)")
    if args.clients > allowed:
        print(f"capping --clients {args.clients} to {allowed}: the gateway holds one fd each")
        args.clients = allowed
    use_uvloop()
    with own_servers("ws-idle") as servers:
        database_url = servers.postgres.create_database("bench_ws_idle")
        upgrade_to_head(database_url)
        port = free_port()
        gateway = start_gateway(
            servers.nats,
            database_url,
            port,
            sockets=args.clients + 100,
            HEARTBEAT_S=str(args.heartbeat_s),
        )
        try:
            rows = asyncio.run(run(servers.nats, gateway, port, args, database_url))
        finally:
            gateway.terminate()
            gateway.wait(timeout=60)
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"{name:<{width}}  {value.rstrip()}")


if __name__ == "__main__":
    main()
