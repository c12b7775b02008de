"""The client side of `bench.ws_idle`: processes that each hold many idle WebSockets.

Each process connects its share of the sockets (a bounded number of handshakes at a time), keeps
each one reading, and answers its parent over a pipe: its
`Status`, or the arrival times of the events a burst brought (`Collect`). Times are `time.time()`,
so the parent compares them with its own publish times (one machine, one clock).

A socket is read by `bench._rawws` (the default: frames parsed and stamped in `data_received`, a
few µs per message) or by the `websockets` client (one coroutine per socket, about 60 µs per
message, which on two cores counts against the gateway's latency).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import resource
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from appgen.events import ProjectRequested, ScreenAdded
from bench._measure import memory_mb
from bench._rawws import RawSocket, upgrade_request
from bench._servers import use_uvloop

# The gateway's heartbeat message while a socket is idle: counted, not kept.
PING_PREFIX = '{"type":"ping"'
RAW_PING_PREFIX = PING_PREFIX.encode()


def raise_nofile() -> int:
    """Raise this process's open-file limit to its hard limit (children inherit it); the limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


@dataclass(frozen=True)
class Plan:
    """One client process's share: one socket per entry of `projects`."""

    base_url: str
    key: str
    projects: list[str]
    batch: int
    compression: bool
    timeout_s: float
    # Read with `bench._rawws` rather than the `websockets` client.
    raw: bool = True


@dataclass(frozen=True)
class Status:
    started: float
    connected_at: float
    ok: int
    failed: int
    errors: dict[str, int]
    open: int
    closed_by_gateway: dict[str, int]
    pings: int
    rss_mb: float
    cpu_s: float


@dataclass(frozen=True)
class Collect:
    """Wait until every open socket of these projects has one more event (or the timeout)."""

    projects: frozenset[str]
    timeout_s: float


@dataclass(frozen=True)
class Arrivals:
    """(event id, arrival) of each ScreenAdded, and the process's CPU time once all were in."""

    pairs: list[tuple[str, float]]
    cpu_s: float


@dataclass
class Sockets:
    """Every socket of one client process, each read by one coroutine and nothing else."""

    plan: Plan
    gate: asyncio.Semaphore
    started: float = 0.0
    connected_at: float = 0.0
    ok: int = 0
    failed: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    open_by_project: Counter[str] = field(default_factory=Counter)
    closed: Counter[str] = field(default_factory=Counter)
    pings: int = 0
    live: int = 0
    wanted: int = 0
    enough: asyncio.Event = field(default_factory=asyncio.Event)
    # (arrival, message) of every message but the heartbeats; parsed after the burst.
    arrivals: list[tuple[float, str | bytes]] = field(default_factory=list)
    sockets: list[ClientConnection] = field(default_factory=list)
    raw_sockets: list[RawSocket] = field(default_factory=list)
    settled: asyncio.Event = field(default_factory=asyncio.Event)
    stopping: bool = False

    def status(self) -> Status:
        return Status(
            started=self.started,
            connected_at=self.connected_at,
            ok=self.ok,
            failed=self.failed,
            errors=dict(self.errors),
            open=sum(self.open_by_project.values()),
            closed_by_gateway=dict(self.closed),
            pings=self.pings,
            rss_mb=memory_mb(os.getpid()),
            cpu_s=time.process_time(),
        )

    def _settle(self, error: str | None) -> None:
        if error is None:
            self.ok += 1
        else:
            self.failed += 1
            self.errors[error] += 1
        if self.ok + self.failed == len(self.plan.projects):
            self.connected_at = time.time()
            self.settled.set()

    async def _open(self, project_id: str) -> ClientConnection | None:
        """Connect and read the project's history (its one ProjectRequested); None on failure."""
        url = f"{self.plan.base_url}/api/v1/ws/generate/{project_id}"
        try:
            socket = await connect(
                url,
                additional_headers={"Authorization": f"Bearer {self.plan.key}"},
                compression="deflate" if self.plan.compression else None,
                # The gateway pings; the library answers without a task of its own.
                ping_interval=None,
                open_timeout=self.plan.timeout_s,
                max_size=2**22,
            )
        except Exception as error:  # any failure to connect is counted by its kind
            self._settle(type(error).__name__)
            return None
        try:
            first = json.loads(await asyncio.wait_for(socket.recv(), self.plan.timeout_s))
        except (ConnectionClosed, TimeoutError) as error:
            socket.transport.abort()
            self._settle(type(error).__name__)
            return None
        if first.get("event_type") != ProjectRequested.__name__:
            socket.transport.abort()
            self._settle(f"first message {first.get('type')}: {first.get('error')}")
            return None
        self._settle(None)
        return socket

    def _arrived(self, arrived: float, message: str | bytes) -> None:
        if isinstance(message, bytes):
            ping = message.startswith(RAW_PING_PREFIX)
        else:
            ping = message.startswith(PING_PREFIX)
        if ping:
            self.pings += 1
            return
        self.arrivals.append((arrived, message))
        self.live += 1
        if self.live >= self.wanted:
            self.enough.set()

    async def _open_raw(self, project_id: str) -> RawSocket | None:
        """As `_open`, over a `RawSocket`."""
        host = self.plan.base_url.removeprefix("ws://")
        name, _, port = host.rpartition(":")
        path = f"/api/v1/ws/generate/{project_id}"
        request = upgrade_request(host, path, self.plan.key, compression=self.plan.compression)
        socket: RawSocket | None = None
        try:
            async with asyncio.timeout(self.plan.timeout_s):
                _, socket = await asyncio.get_running_loop().create_connection(
                    lambda: RawSocket(request, self._arrived), name, int(port)
                )
                first = json.loads(await socket.opened)
        except (OSError, TimeoutError, ValueError) as error:
            if socket is not None:
                socket.abort()
            self._settle(type(error).__name__)
            return None
        if first.get("event_type") != ProjectRequested.__name__:
            socket.abort()
            self._settle(f"first message {first.get('type')}: {first.get('error')}")
            return None
        self._settle(None)
        return socket

    async def hold_raw(self, project_id: str) -> None:
        async with self.gate:
            socket = await self._open_raw(project_id)
        if socket is None:
            return
        self.raw_sockets.append(socket)
        self.open_by_project[project_id] += 1
        code, reason = await socket.ended
        self.open_by_project[project_id] -= 1
        if not self.stopping:
            self.closed[f"{code} {reason}".strip()] += 1

    async def hold(self, project_id: str) -> None:
        async with self.gate:
            socket = await self._open(project_id)
        if socket is None:
            return
        self.sockets.append(socket)
        self.open_by_project[project_id] += 1
        try:
            async for message in socket:
                self._arrived(time.time(), message)
        except ConnectionClosed:
            pass
        self.open_by_project[project_id] -= 1
        if not self.stopping:
            self.closed[f"{socket.close_code} {socket.close_reason}".strip()] += 1

    async def collect(self, request: Collect) -> Arrivals:
        """Every ScreenAdded that arrived, once all are in or time is up."""
        expected = sum(self.open_by_project[p] for p in request.projects)
        self.wanted = expected
        if self.live < expected:
            self.enough.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.enough.wait(), request.timeout_s)
        cpu = time.process_time()
        found: list[tuple[str, float]] = []
        for arrived, raw in self.arrivals:
            message = json.loads(raw)
            if message.get("event_type") == ScreenAdded.__name__:
                found.append((message["event_id"], arrived))
        self.arrivals.clear()
        self.live = 0
        return Arrivals(found, cpu)


async def serve_clients(pipe: Connection, plan: Plan) -> None:
    """Connect, then answer the parent: `Collect`, `"status"`, `"stop"`."""
    sockets = Sockets(plan, asyncio.Semaphore(plan.batch))
    sockets.started = time.time()
    hold = sockets.hold_raw if plan.raw else sockets.hold
    tasks = [asyncio.create_task(hold(p)) for p in plan.projects]
    await sockets.settled.wait()
    pipe.send(sockets.status())
    while True:
        request = await asyncio.to_thread(pipe.recv)
        if isinstance(request, Collect):
            pipe.send(await sockets.collect(request))
        elif request == "status":
            pipe.send(sockets.status())
        else:
            sockets.stopping = True
            for socket in sockets.sockets:
                socket.transport.abort()
            for raw in sockets.raw_sockets:
                raw.abort()
            await asyncio.gather(*tasks, return_exceptions=True)
            pipe.send(sockets.status())
            return


def client_process(pipe: Connection, plan: Plan) -> None:
    """A client process's entry point (spawned, so it starts with a fresh interpreter)."""
    raise_nofile()
    use_uvloop()
    asyncio.run(serve_clients(pipe, plan))


@dataclass
class Clients:
    """The client processes, asked the same question at once."""

    pipes: list[Connection]
    processes: Sequence[multiprocessing.process.BaseProcess]

    async def ask(self, request: object) -> list[object]:
        for pipe in self.pipes:
            pipe.send(request)
        return await self.replies()

    async def replies(self) -> list[object]:
        return list(await asyncio.gather(*(asyncio.to_thread(p.recv) for p in self.pipes)))

    async def statuses(self, request: object = "status") -> list[Status]:
        replies = await self.ask(request)
        assert all(isinstance(r, Status) for r in replies)
        return [r for r in replies if isinstance(r, Status)]


def spawn_clients(plans: list[Plan]) -> Clients:
    context = multiprocessing.get_context("spawn")
    pipes, processes = [], []
    for plan in plans:
        mine, theirs = context.Pipe()
        process = context.Process(target=client_process, args=(theirs, plan), daemon=True)
        process.start()
        pipes.append(mine)
        processes.append(process)
    return Clients(pipes, processes)
