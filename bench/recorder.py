"""How fast events reach PostgreSQL: through the recorder, beside the eventsourcing library.

`python -m bench recorder [--events N] [--single N]` starts its own nats-server (every publish
fsync'd) and PostgreSQL in a temporary folder, so it measures nothing else running on the
machine but itself. In one run, against the same PostgreSQL:
- the events published to JetStream (`publish_async`), then the tracked recorder reading them
  from the stream in order into PostgreSQL with the high-water mark (NATS -> recorder ->
  Postgres, end to end);
- the eventsourcing library's Postgres recorder saving 100 aggregates (300 events) per
  transaction, and one aggregate (3 events) per transaction, with payloads of the same size;
- `EventStore.append` straight, in batches and one row per transaction.
It prints the recorder's rate as a ratio of eventsourcing's 300-event transactions (target 1.5).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

import asyncpg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from appgen.events import Event, NatsSettings, encode, open_bus
from appgen.events.catalog.subjects import subject_for
from appgen.recorder.settings import Settings as RecorderSettings
from appgen.stack import NatsServer, PostgresServer
from appgen.store import EventStore
from appgen.store.migrate import upgrade_to_head
from appgen.store.samples import sample_history
from bench._servers import own_servers, use_uvloop


@dataclass
class Result:
    name: str
    events: int
    seconds: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def make_events(count: int) -> list[Event]:
    """Whole realistic project histories (about 16 events, 0.3-2 KB each) until `count`."""
    events: list[Event] = []
    while len(events) < count:
        events.extend(sample_history())
    return events[:count]


async def count_rows(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM events"))
    finally:
        await conn.close()


async def publish(nats_url: str, events: list[Event]) -> Result:
    async with open_bus(NatsSettings(nats_url=nats_url), name="bench-publisher") as bus:
        started = time.perf_counter()
        for event in events:
            await bus.js.publish_async(
                subject_for(event), encode(event), headers={"Nats-Msg-Id": str(event.event_id)}
            )
        await bus.js.publish_async_completed()
        return Result(
            "publish to JetStream (publish_async)", len(events), time.perf_counter() - started
        )


async def through_recorder(nats_url: str, database_url: str, total: int) -> Result:
    """`python -m appgen.recorder` as its own process, as `appgen up` runs it, from an empty
    store until its mark has passed every published event.

    Timed from the first batch it commits to its last, so the process's start (imports, the
    lock, the consumer) is not counted, and this process's memory is not in its way.
    """
    env = {
        **os.environ,
        "APPGEN_NATS_URL": nats_url,
        "APPGEN_DATABASE_URL": database_url,
        "APPGEN_MIGRATE": "false",
    }
    store = await EventStore.open(database_url, pool_size=1)
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "appgen.recorder", env=env)
    try:
        first = 0
        while (first := await store.high_water()) == 0:
            if process.returncode is not None:
                raise RuntimeError(f"the recorder exited with {process.returncode}")
            await asyncio.sleep(0.002)
        started = time.perf_counter()
        while await store.high_water() < total:
            if process.returncode is not None:
                raise RuntimeError(f"the recorder exited with {process.returncode}")
            await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
        await store.close()
    rows = await count_rows(database_url)
    if rows != total:
        raise AssertionError(f"the recorder stored {rows} of {total} events")
    settings = RecorderSettings()
    note = f"own process, mark in each transaction, <= {settings.batch_max} per transaction"
    return Result("NATS -> recorder -> Postgres", total - first, elapsed, note)


class Project(Aggregate):
    """An eventsourcing aggregate whose three events carry what appgen's carry, byte for byte."""

    @event("Requested")
    def __init__(self, payload: str) -> None:
        self.payload = payload

    @event("Progressed")
    def progress(self, payload: str) -> None:
        self.payload = payload


def eventsourcing_saves(
    postgres: PostgresServer, database: str, aggregates_per_save: int, saves: int, size: int
) -> Result:
    """eventsourcing's Postgres recorder (psycopg), each save one transaction of whole aggregates."""
    os.environ.update(
        PERSISTENCE_MODULE="eventsourcing.postgres",
        POSTGRES_DBNAME=database,
        POSTGRES_HOST=postgres.socket_dir,
        POSTGRES_PORT="5432",
        POSTGRES_USER="postgres",
        POSTGRES_PASSWORD="",
    )
    app = Application[UUID]()
    payload = "x" * size
    try:
        started = time.perf_counter()
        for _ in range(saves):
            batch = []
            for _ in range(aggregates_per_save):
                aggregate = Project(payload)
                aggregate.progress(payload)
                aggregate.progress(payload)
                batch.append(aggregate)
            app.save(*batch)
        elapsed = time.perf_counter() - started
    finally:
        app.close()
    events = saves * aggregates_per_save * 3
    name = f"eventsourcing, {aggregates_per_save} aggregates per save"
    return Result(name, events, elapsed, f"{aggregates_per_save * 3} events per transaction")


async def raw_append(database_url: str, events: list[Event], batch: int) -> Result:
    store = await EventStore.open(database_url)
    try:
        records = list(enumerate(events, 1))
        started = time.perf_counter()
        for chunk in chunks(records, batch):
            await store.append(chunk)
        elapsed = time.perf_counter() - started
    finally:
        await store.close()
    return Result(f"EventStore.append, {batch} per call", len(events), elapsed)


async def single_rows(database_url: str, events: list[Event]) -> Result:
    store = await EventStore.open(database_url)
    try:
        started = time.perf_counter()
        for position, event in enumerate(events, 1):
            await store.append([(position, event)])
        elapsed = time.perf_counter() - started
    finally:
        await store.close()
    return Result("EventStore.append, 1 per call", len(events), elapsed, "one transaction each")


def chunks(records: list[tuple[int, Event]], size: int) -> Iterator[list[tuple[int, Event]]]:
    for start in range(0, len(records), size):
        yield records[start : start + size]


def print_table(results: list[Result]) -> None:
    print(f"{'measurement':<42} {'events':>8} {'seconds':>8} {'events/s':>10}  notes")
    for r in results:
        print(f"{r.name:<42} {r.events:>8} {r.seconds:>8.2f} {r.rate:>10,.0f}  {r.note}")


async def run(nats: NatsServer, postgres: PostgresServer, args: argparse.Namespace) -> None:
    events = make_events(args.events)
    size = round(sum(len(encode(e)) for e in events) / len(events))
    names = ("rec", "raw", "one", "es300", "es3")
    urls = {name: postgres.create_database(f"bench_{name}") for name in names}
    for name in ("rec", "raw", "one"):
        await asyncio.to_thread(upgrade_to_head, urls[name])
    published = await publish(nats.url, events)
    recorded = await through_recorder(nats.url, urls["rec"], len(events))
    # The payload is what remains of an appgen event's size once eventsourcing adds its own.
    payload = max(size - 150, 1)
    es300 = await asyncio.to_thread(
        eventsourcing_saves, postgres, "bench_es300", 100, max(len(events) // 300, 1), payload
    )
    es3 = await asyncio.to_thread(
        eventsourcing_saves, postgres, "bench_es3", 1, max(args.single // 3, 1), payload
    )
    results = [published, recorded, es300, es3]
    results.append(await raw_append(urls["raw"], events, args.batch))
    results.append(await single_rows(urls["one"], events[: args.single]))
    print(f"\n{len(events)} events, {size} bytes each on average\n")
    print_table(results)
    ratio = recorded.rate / es300.rate
    verdict = "MET" if ratio >= 1.5 else "MISSED"
    print(
        f"\nrecorder / eventsourcing (300 events per transaction): {ratio:.2f} "
        f"(target >= 1.5: {verdict}); / eventsourcing (3 per transaction): "
        f"{recorded.rate / es3.rate:.2f}; publish_async with fsync / recorder: "
        f"{published.rate / recorded.rate:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench recorder", description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=512, help="records per raw append call")
    parser.add_argument("--single", type=int, default=2_000, help="events for the 1-row run")
    args = parser.parse_args()
    use_uvloop()
    with own_servers("recorder") as servers:
        asyncio.run(run(servers.nats, servers.postgres, args))


if __name__ == "__main__":
    main()
