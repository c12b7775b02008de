"""The stream's own part of a burst: `python -m bench stream_burst [--events 1000] [--publishers 1,4,10]`.

`bench ws_idle` times a burst of one event to each of 1,000 projects through a gateway, and
most of its time passes before the gateway has read anything. This measures that part alone,
with no gateway: for each `sync_interval` (JetStream's fsync: `always`, as appgen runs it, and
nats-server's default `2m`) and each number of publishing connections, a fresh nats-server, the
events published at once (`publish_async`) and read by a `StreamTail` (the gateway hub's reader)
in another connection. Printed, in ms from the first publish: when the acknowledgements and
the tail's messages came (first, p50, last). Measured here: with `always`, nearly all of both
come together once the whole burst is stored, whatever the number of connections, so the
gateway gets most of a 1,000-event burst about 200 ms after it was sent.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

from appgen.events import NatsSettings, ScreenAdded, encode, open_bus
from appgen.events.catalog.subjects import subject_for
from appgen.events.read.tail import StreamTail
from appgen.events.transport.bus import MSG_ID
from appgen.stack import NatsServer
from bench._measure import percentile
from bench._servers import use_uvloop

SETTLE_S = 0.5
TIMEOUT_S = 60.0


def spread(times: list[float], start: float) -> str:
    ms = [(t - start) * 1000 for t in times]
    return f"{min(ms):5.0f} {percentile(ms, 0.5):5.0f} {max(ms):5.0f}"


async def burst(nats_url: str, events: int, publishers: int) -> str:
    settings = NatsSettings(nats_url=nats_url)
    arrived: list[float] = []
    acked: list[float] = []
    async with AsyncExitStack() as stack:
        reader = await stack.enter_async_context(open_bus(settings, name="bench-tail"))
        buses = [
            await stack.enter_async_context(open_bus(settings, name=f"bench-publisher-{n}"))
            for n in range(publishers)
        ]
        info = await reader.js.stream_info(settings.stream)
        tail = await stack.enter_async_context(
            StreamTail(reader, start=info.state.last_seq + 1, name="bench-tail")
        )

        async def read() -> None:
            while len(arrived) < events:
                batch = await tail.next_batch(256)
                arrived.extend([time.perf_counter()] * len(batch))

        reading = asyncio.create_task(read())
        # The tail's pull requests are waiting before the first publish.
        await asyncio.sleep(SETTLE_S)
        made = [
            ScreenAdded(project_id=f"{n:032x}", route="screen-0", title="S", index=0, total=1)
            for n in range(events)
        ]
        messages = [(subject_for(e), encode(e), {MSG_ID: str(e.event_id)}) for e in made]
        started = time.perf_counter()
        for n, (subject, data, headers) in enumerate(messages):
            future = await buses[n % publishers].js.publish_async(subject, data, headers=headers)
            future.add_done_callback(lambda _: acked.append(time.perf_counter()))
        await asyncio.gather(*(bus.js.publish_async_completed() for bus in buses))
        await asyncio.wait_for(reading, TIMEOUT_S)
    return f"{spread(acked, started)}   {spread(arrived, started)}"


async def measure(args: argparse.Namespace) -> None:
    counts = [int(n) for n in args.publishers.split(",")]
    print(f"{args.events} events at once; ms from the first publish: first / p50 / last")
    print(f"  {'sync_interval':<14} {'publishers':>10}   {'acks':^17}   {'tail':^17}")
    for sync in ("always", "2m"):
        for publishers in counts:
            with tempfile.TemporaryDirectory(prefix="appgen-bench-burst-") as folder:
                nats = NatsServer(Path(folder) / "nats", sync=sync).start()
                try:
                    line = await burst(nats.url, args.events, publishers)
                finally:
                    nats.stop()
            print(f"  {sync:<14} {publishers:>10}   {line}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench stream_burst", description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--publishers", default="1,4,10", help="connections, comma-separated")
    args = parser.parse_args()
    use_uvloop()
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
