"""The stack of a fault campaign, held so that each piece of it can be killed and started again.

nats-server and PostgreSQL are ours (`appgen.stack`), on fixed ports and folders, so a restart
finds clients where they left it. Every service runs as its own process under `appgen up`'s own
supervisor (`appgen.cli.supervisor`), in this process's event loop: it starts them with the
environment `appgen up` gives them and restarts one that dies, as `appgen up` would.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.console import Console

from appgen.cli.environment import StackEnv, child_env
from appgen.cli.output import Output
from appgen.cli.services import installed_services, instances
from appgen.cli.supervisor import ChildSpec, Supervisor
from appgen.stack import NatsCluster, NatsServer, PostgresServer, free_port

HOST = "127.0.0.1"
# The services a generation goes through; others `appgen up` may start (a background native
# build after completion) are left out, so the campaign strikes only what a generation needs.
GENERATION = ("recorder", "analyzer", "scaffolder", "screens", "images", "finisher", "gateway")
READY_WITHIN_S = 120.0
RESTART_WITHIN_S = 60.0


@dataclass
class Fleet:
    """The running stack: its servers (one nats-server or a cluster), the supervisor of its
    services, the gateway's origin."""

    folder: Path
    nats: NatsServer | NatsCluster
    postgres: PostgresServer
    database_url: str
    supervisor: Supervisor
    origin: str

    def labels(self, service: str | None = None) -> list[str]:
        """Every process label (`screens#2`), in start order; only `service`'s when given."""
        return [
            spec.label
            for spec in self.supervisor.specs
            if service is None or spec.service == service
        ]

    def _pid(self, label: str) -> int | None:
        return self.supervisor.pids().get(label)

    async def kill(self, label: str, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the process (waiting for it if it is being started again); the
        supervisor starts it again, as under `appgen up`."""
        deadline = time.monotonic() + RESTART_WITHIN_S
        while (pid := self._pid(label)) is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{label} is not running")
            await asyncio.sleep(0.05)
        os.kill(pid, sig)

    async def restart(self, label: str) -> None:
        """SIGTERM (a graceful stop), then return once the supervisor has started it again."""
        before = self.supervisor.starts()[label]
        await self.kill(label, signal.SIGTERM)
        deadline = time.monotonic() + RESTART_WITHIN_S
        while self.supervisor.starts()[label] <= before or self._pid(label) is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{label} was not started again within {RESTART_WITHIN_S:g} s")
            await asyncio.sleep(0.05)

    async def nats_down(self, down_s: float) -> None:
        """nats-server killed with SIGKILL, and started again on its port and store `down_s` later."""
        if not isinstance(self.nats, NatsServer):
            raise RuntimeError("the stack runs a NATS cluster: kill its nodes one at a time")
        await asyncio.to_thread(self.nats.stop, kill=True)
        await asyncio.sleep(down_s)
        await asyncio.to_thread(self.nats.start)

    async def postgres_down(self, down_s: float) -> None:
        """PostgreSQL stopped `immediate` (SIGQUIT to the postmaster: no checkpoint, crash
        recovery on the next start), and started again on its folder and socket `down_s` later."""
        pid = int((self.postgres.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 30
        while self.postgres.running:
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not stop within 30 s of SIGQUIT")
            await asyncio.sleep(0.05)
        await asyncio.sleep(down_s)
        await asyncio.to_thread(self.postgres.start)

    async def until_ready(self, within_s: float = READY_WITHIN_S) -> None:
        """Until the gateway answers `/readyz` (NATS, PostgreSQL and the stream usable)."""
        deadline = time.monotonic() + within_s
        async with httpx.AsyncClient(timeout=2.0) as http:
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"{self.origin}/readyz")).status_code == 200:
                        return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the stack was not ready within {within_s:g} s")
                await asyncio.sleep(0.1)


def service_specs(
    folder: Path,
    nats: NatsServer | NatsCluster,
    database_url: str,
    port: int,
    scale: Mapping[str, int],
    **env: str,
) -> list[ChildSpec]:
    """Every service as `appgen up [--nats-cluster N] --scale ...` starts it, with `env`
    (`APPGEN_*`) on top: on a cluster, given every node's URL and the stream's replicas."""
    variables = child_env(
        os.environ,
        StackEnv(
            nats_url=nats.url,
            database_url=database_url,
            gateway_host=HOST,
            gateway_port=port,
            data_dir=folder,
            stream_replicas=nats.size if isinstance(nats, NatsCluster) else None,
        ),
    )
    variables.update(env)
    return [
        ChildSpec(
            service=instance.service.name,
            label=instance.label,
            argv=(sys.executable, "-m", instance.service.module),
            env=variables,
        )
        for instance in instances(scale, [s for s in installed_services() if s.name in GENERATION])
    ]


@contextlib.asynccontextmanager
async def running_fleet(
    folder: Path,
    nats: NatsServer | NatsCluster,
    postgres: PostgresServer,
    scale: Mapping[str, int],
    env: Mapping[str, str],
) -> AsyncIterator[Fleet]:
    """Every service under a supervisor (its output in `folder/services.log`) until the block
    ends; yields once the gateway is ready. The servers are the caller's to start and stop;
    `fleet.supervisor.failure` says whether the supervisor gave up on a service."""
    port = free_port()
    database_url = postgres.url()
    specs = service_specs(folder, nats, database_url, port, scale, **env)
    with (folder / "services.log").open("w") as log:
        output = Output(Console(file=log, highlight=False, width=200, color_system=None))
        supervisor = Supervisor(specs, output, grace_s=20.0)
        stop = asyncio.Event()
        running = asyncio.create_task(supervisor.run(stop))
        fleet = Fleet(folder, nats, postgres, database_url, supervisor, f"http://{HOST}:{port}")
        try:
            await supervisor.spawned()
            await fleet.until_ready()
            yield fleet
        finally:
            stop.set()
            await running
