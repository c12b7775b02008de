"""The cluster schedule of a fault campaign (`--cluster`): NATS nodes killed under the stream.

The campaign's stack runs on a three-node `NatsCluster`, the stream and every bucket at three
replicas. Beside the other faults, one node at a time is killed with SIGKILL and started again
on its port and store later: first the stream's leader, held down long enough for the other two
to elect a new one and write on without it, then another node (the new leader, unless the
first is leading again). At the end every replica must have caught up with the stream.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import nats
import nats.errors
from nats.aio.client import Client
from nats.js.api import StreamInfo
from nats.js.errors import APIError

from appgen.events.transport.bus import server_urls
from appgen.stack import NatsCluster, NatsServer

STREAM = "APPGEN"
# A stream without a leader (an election under way) answers nothing for a while.
LEADER_WITHIN_S = 60.0
CAUGHT_UP_WITHIN_S = 60.0
_UNANSWERED = (nats.errors.Error, APIError, TimeoutError, OSError)


async def _quiet(error: Exception) -> None:
    """A node being down is the point: no traceback for each refused connection."""


@asynccontextmanager
async def connected(url: str) -> AsyncIterator[Client]:
    """A short-lived connection to whichever node of `url` (comma-separated) answers."""
    nc = await nats.connect(
        server_urls(url),
        name="fault-campaign",
        connect_timeout=2,
        max_reconnect_attempts=5,
        error_cb=_quiet,
    )
    try:
        yield nc
    finally:
        await nc.close()


async def stream_info(
    url: str, within_s: float = LEADER_WITHIN_S, *, not_led_by: str | None = None
) -> StreamInfo:
    """The stream's info once some node answers it with a leader other than `not_led_by` (or
    RuntimeError)."""
    deadline = time.monotonic() + within_s
    while True:
        try:
            async with connected(url) as nc:
                info = await nc.jetstream(timeout=2).stream_info(STREAM)
            if info.cluster is not None and info.cluster.leader not in (None, "", not_led_by):
                return info
        except _UNANSWERED:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the stream had no leader within {within_s:g} s")
        await asyncio.sleep(0.2)


async def stream_leader(url: str, *, not_led_by: str | None = None) -> str:
    cluster = (await stream_info(url, not_led_by=not_led_by)).cluster
    if cluster is None or not cluster.leader:
        raise RuntimeError("the stream has no leader")
    return cluster.leader


@dataclass
class NodeFaults:
    """Kills nodes of `cluster` one at a time; `killed` names them in order."""

    cluster: NatsCluster
    killed: list[str] = field(default_factory=list)

    def _node(self, name: str) -> NatsServer:
        return next(node for node in self.cluster.nodes if node.name == name)

    async def leader_down(self, down_s: float) -> str:
        """SIGKILL the stream's leader; start it again `down_s` later. Returns what happened."""
        return await self._down(await stream_leader(self.cluster.url), down_s)

    async def another_down(self, down_s: float) -> str:
        """SIGKILL a node not killed before (the stream's leader if it is one); start it again
        `down_s` later."""
        leader = await stream_leader(self.cluster.url)
        names = [node.name for node in self.cluster.nodes if node.name not in self.killed]
        if not names:
            raise RuntimeError("every node was killed once already")
        return await self._down(leader if leader in names else str(names[0]), down_s)

    async def _down(self, name: str, down_s: float) -> str:
        node = self._node(name)
        await asyncio.to_thread(node.stop, kill=True)
        self.killed.append(name)
        began = time.monotonic()
        leader = await stream_leader(self.cluster.url, not_led_by=name)
        elected = time.monotonic() - began
        await asyncio.sleep(max(0.0, down_s - elected))
        await asyncio.to_thread(node.start)
        return f"{name} killed; stream leader {leader} after {elected:.1f} s; {name} started again"


async def replicas_behind(url: str, size: int, within_s: float = CAUGHT_UP_WITHIN_S) -> list[str]:
    """The stream's replicas (of `size`) not current and online `within_s` after the run."""
    deadline = time.monotonic() + within_s
    while True:
        cluster = (await stream_info(url)).cluster
        peers = (cluster.replicas if cluster is not None else None) or []
        behind = [
            f"{peer.name} (lag {peer.lag})" for peer in peers if not peer.current or peer.offline
        ]
        missing = size - 1 - len(peers)
        behind.extend(["(a peer not listed)"] * max(0, missing))
        if not behind or time.monotonic() > deadline:
            return behind
        await asyncio.sleep(0.5)
