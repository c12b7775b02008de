"""NATS and PostgreSQL for the stack: the ones named by the environment, else embedded ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from appgen.cli.nats_users import NatsCredentials, ensure_credentials
from appgen.cli.server_watch import Server
from appgen.events import NatsSettings
from appgen.stack import NatsCluster, NatsServer, PostgresServer

NATS_URL_ENV = "APPGEN_NATS_URL"
DATABASE_URL_ENV = "APPGEN_DATABASE_URL"
NATS_SERVER = "nats-server"
POSTGRES = "postgres"


@dataclass
class Servers:
    """Where the stack's servers are, and the embedded ones this process started (to stop them)."""

    nats_url: str
    database_url: str
    nats: NatsServer | NatsCluster | None = None
    postgres: PostgresServer | None = None
    # The users of the embedded NATS (none for a NATS the environment names).
    credentials: NatsCredentials | None = None

    @property
    def stream_replicas(self) -> int | None:
        """The stream's replicas an embedded cluster asks for; None leaves it to the settings."""
        return self.nats.size if isinstance(self.nats, NatsCluster) else None

    def nats_nodes(self) -> dict[str, NatsServer]:
        """Each embedded nats-server by label: `nats-server`, or `nats-server#2` in a cluster."""
        if isinstance(self.nats, NatsServer):
            return {NATS_SERVER: self.nats}
        if isinstance(self.nats, NatsCluster):
            return {f"{NATS_SERVER}#{n}": node for n, node in enumerate(self.nats.nodes, 1)}
        return {}

    def pids(self) -> dict[str, int]:
        pids: dict[str, int] = {}
        for label, node in self.nats_nodes().items():
            if node.process is not None:
                pids[label] = node.process.pid
        if self.postgres is not None:
            pid = postmaster_pid(self.postgres.data_dir)
            if pid is not None:
                pids[POSTGRES] = pid
        return pids

    def watched(self) -> dict[str, Server]:
        """The embedded servers by label, for `ServerWatch` to start again when one exits."""
        watched: dict[str, Server] = dict(self.nats_nodes())
        if self.postgres is not None:
            watched[POSTGRES] = self.postgres
        return watched

    def stop(self) -> None:
        """Stop what this process started. PostgreSQL must be stopped explicitly: a server
        left running is silently reused by the next start on the same folder."""
        try:
            if self.nats is not None:
                self.nats.stop()
        finally:
            if self.postgres is not None:
                self.postgres.stop()


def postmaster_pid(pgdata: Path) -> int | None:
    """The running postmaster's pid, from the file PostgreSQL keeps in its data folder."""
    try:
        first = (pgdata / "postmaster.pid").read_text().split("\n", 1)[0]
        return int(first)
    except (OSError, ValueError):
        return None


def start_servers(data_dir: Path, env: Mapping[str, str], *, nats_cluster: int = 1) -> Servers:
    """Use `APPGEN_NATS_URL` / `APPGEN_DATABASE_URL` when set; start the missing ones under `data_dir`.

    nats-server keeps JetStream's file store in `data_dir/nats` (fsync on every write), or with
    `nats_cluster` > 1 (when no NATS is named) each node its own in
    `data_dir/nats-cluster/node-<i>`; PostgreSQL keeps
    its cluster in `data_dir/postgres`, so a later start finds everything again.

    An embedded NATS admits only the users in `data_dir/nats-users` (`nats_users.py`), each
    service with its own permissions; a cluster's nodes authenticate each other too.
    """
    nats: NatsServer | NatsCluster | None = None
    postgres: PostgresServer | None = None
    credentials: NatsCredentials | None = None
    nats_url = env.get(NATS_URL_ENV)
    database_url = env.get(DATABASE_URL_ENV)
    try:
        if not nats_url:
            credentials = ensure_credentials(data_dir)
            users = credentials.users(NatsSettings())
            if nats_cluster > 1:
                nats = NatsCluster(
                    data_dir / "nats-cluster",
                    nats_cluster,
                    sync="always",
                    users=users,
                    route_auth=credentials.route(),
                ).start()
            else:
                nats = NatsServer(data_dir / "nats", sync="always", users=users).start()
            nats_url = nats.url
        if not database_url:
            postgres = PostgresServer(data_dir / "postgres").start()
            database_url = postgres.url()
    except BaseException:
        Servers("", "", nats, postgres).stop()
        raise
    return Servers(nats_url, database_url, nats, postgres, credentials)
