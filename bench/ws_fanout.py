"""WebSocket fan-out: many clients over many projects on ONE gateway process.

`python -m bench ws_fanout [--clients 1000] [--projects 100] [--rounds 20] [--rate 500]`
starts its own nats-server and PostgreSQL, runs the gateway as its own process
(`python -m appgen.gateway`), connects the clients from this process, then publishes events
and measures, for every (event, client) pair, the time from just before the publish to the
event's arrival at the client; and the gateway's resident memory before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import time
from dataclasses import dataclass, field

import websockets

from appgen.events import EventBus, NatsSettings, ProjectRequested, ScreenAdded, open_bus
from appgen.gateway.testing import create_key
from appgen.stack import NatsServer
from appgen.stack.ports import free_port, wait_for_port
from appgen.store.keys import key_id_of
from appgen.store.migrate import upgrade_to_head
from bench._gateway import start_gateway
from bench._measure import cpu_s, memory_mb, percentile
from bench._servers import own_servers, use_uvloop


@dataclass
class Arrivals:
    """Arrival times per event id, across every client."""

    times: dict[str, list[float]] = field(default_factory=dict)

    def record(self, event_id: str) -> None:
        self.times.setdefault(event_id, []).append(time.perf_counter())


async def client(
    url: str, key: str, arrivals: Arrivals, ready: asyncio.Event, counter: list[int]
) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    async with websockets.connect(url, max_size=2**22, additional_headers=headers) as socket:
        async for raw in socket:
            message = json.loads(raw)
            if message.get("event_type") == ScreenAdded.__name__:
                arrivals.record(message["event_id"])
            elif message.get("event_type") == ProjectRequested.__name__:
                counter[0] += 1
                if counter[0] == counter[1]:
                    ready.set()


async def publish_paced(
    bus: EventBus, projects: list[str], rounds: int, rate: float
) -> dict[str, float]:
    """Publish one ScreenAdded per project per round at `rate` events/s; id -> publish time."""
    sent: dict[str, float] = {}
    interval = 1 / rate
    start = time.perf_counter()
    n = 0
    for round_ in range(rounds):
        for project_id in projects:
            event = ScreenAdded(
                project_id=project_id,
                route=f"screen-{round_}",
                title=f"Screen {round_}",
                index=round_,
                total=rounds,
            )
            due = start + n * interval
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[str(event.event_id)] = time.perf_counter()
            await bus.publish(event)
            n += 1
    return sent


async def run(
    nats: NatsServer,
    gateway: subprocess.Popen[bytes],
    port: int,
    args: argparse.Namespace,
    database_url: str,
) -> None:
    await asyncio.to_thread(wait_for_port, "127.0.0.1", port, timeout=30)
    key = await create_key(database_url, "bench")
    owner = key_id_of(key)
    async with open_bus(NatsSettings(nats_url=nats.url), name="bench-publisher") as bus:
        projects = [f"bench-{i:04d}" for i in range(args.projects)]
        for project_id in projects:
            await bus.publish(
                ProjectRequested(project_id=project_id, prompt="A todo app", owner=owner)
            )
        idle_mb = memory_mb(gateway.pid)
        arrivals = Arrivals()
        ready = asyncio.Event()
        counter = [0, args.clients]
        started = time.perf_counter()
        tasks = [
            asyncio.create_task(
                client(
                    f"ws://127.0.0.1:{port}/api/v1/ws/generate/{projects[i % len(projects)]}",
                    key,
                    arrivals,
                    ready,
                    counter,
                )
            )
            for i in range(args.clients)
        ]
        await asyncio.wait_for(ready.wait(), timeout=120)
        connect_s = time.perf_counter() - started
        connected_mb = memory_mb(gateway.pid)
        cpu_before, own_before, wall = (
            cpu_s(gateway.pid),
            time.process_time(),
            time.perf_counter(),
        )
        sent = await publish_paced(bus, projects, args.rounds, args.rate)
        expected = len(sent) * args.clients // args.projects
        deadline = time.perf_counter() + 60
        while sum(map(len, arrivals.times.values())) < expected:
            if time.perf_counter() > deadline:
                break
            await asyncio.sleep(0.05)
        peak_mb = memory_mb(gateway.pid)
        wall = time.perf_counter() - wall
        gateway_cpu = (cpu_s(gateway.pid) - cpu_before) / wall * 100
        clients_cpu = (time.process_time() - own_before) / wall * 100
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    latencies = [
        (arrived - sent[event_id]) * 1000
        for event_id, times in arrivals.times.items()
        for arrived in times
    ]
    received = len(latencies)
    rows = [
        ("clients / projects", f"{args.clients} / {args.projects}"),
        ("events published", f"{len(sent)} at {args.rate:.0f}/s"),
        ("deliveries expected / received", f"{expected} / {received}"),
        ("connect + history for all clients", f"{connect_s:.2f} s"),
        ("latency p50", f"{statistics.median(latencies):.1f} ms"),
        ("latency p99", f"{percentile(latencies, 0.99):.1f} ms"),
        ("latency max", f"{max(latencies):.1f} ms"),
        ("CPU while publishing: gateway / clients", f"{gateway_cpu:.0f}% / {clients_cpu:.0f}%"),
        (
            "gateway RSS idle / connected / end",
            f"{idle_mb:.0f} / {connected_mb:.0f} / {peak_mb:.0f} MB",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench ws_fanout", description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=20, help="events per project")
    parser.add_argument("--rate", type=float, default=500.0, help="events published per second")
    args = parser.parse_args()
    use_uvloop()
    with own_servers("ws") as servers:
        database_url = servers.postgres.create_database("bench_ws")
        upgrade_to_head(database_url)
        port = free_port()
        gateway = start_gateway(
            servers.nats, database_url, port, sockets=args.clients, WS_BUFFER="1024"
        )
        try:
            asyncio.run(run(servers.nats, gateway, port, args, database_url))
        finally:
            gateway.terminate()
            gateway.wait(timeout=30)


if __name__ == "__main__":
    main()
