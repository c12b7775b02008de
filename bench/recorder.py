"""How fast events reach PostgreSQL: through the recorder, and straight through `append`.

`python -m bench recorder [--events N] [--single N]` starts its own nats-server and PostgreSQL
in a temporary folder, so it measures nothing else running on the machine but itself.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import asyncpg

from appgen.events import Event, NatsSettings, encode, open_bus, serve_worker
from appgen.events.subjects import subject_for
from appgen.recorder.__main__ import worker_factory
from appgen.recorder.settings import RecorderSettings
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
    settings = RecorderSettings(nats_url=nats_url, database_url=database_url, migrate=False)
    stop = asyncio.Event()
    async with AsyncExitStack() as cleanup:
        started = time.perf_counter()
        task = asyncio.create_task(
            serve_worker(worker_factory(settings, cleanup=cleanup), settings, stop=stop)
        )
        while await count_rows(database_url) < total:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        elapsed = time.perf_counter() - started
        stop.set()
        await task
    note = (
        f"concurrency {settings.consumer.concurrency}, fetch {settings.consumer.batch}, "
        f"batch <= {settings.batch_max}"
    )
    return Result("NATS -> recorder -> Postgres", total, elapsed, note)


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
    urls = {name: postgres.create_database(f"bench_{name}") for name in ("rec", "raw", "one")}
    for url in urls.values():
        await asyncio.to_thread(upgrade_to_head, url)
    results = [await publish(nats.url, events)]
    results.append(await through_recorder(nats.url, urls["rec"], len(events)))
    results.append(await raw_append(urls["raw"], events, args.batch))
    results.append(await single_rows(urls["one"], events[: args.single]))
    size = sum(len(encode(e)) for e in events) / len(events)
    print(f"\n{len(events)} events, {size:.0f} bytes each on average\n")
    print_table(results)


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
