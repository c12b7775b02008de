"""NATS and PostgreSQL for the stack: the ones named by the environment, else embedded ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from appgen.stack import NatsServer, PostgresServer

NATS_URL_ENV = "APPGEN_NATS_URL"
DATABASE_URL_ENV = "APPGEN_DATABASE_URL"


@dataclass
class Servers:
    """Where the stack's servers are, and the embedded ones this process started (to stop them)."""

    nats_url: str
    database_url: str
    nats: NatsServer | None = None
    postgres: PostgresServer | None = None

    def pids(self) -> dict[str, int]:
        pids: dict[str, int] = {}
        if self.nats is not None and self.nats.process is not None:
            pids["nats-server"] = self.nats.process.pid
        if self.postgres is not None:
            pid = postmaster_pid(self.postgres.data_dir)
            if pid is not None:
                pids["postgres"] = pid
        return pids

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


def start_servers(data_dir: Path, env: Mapping[str, str]) -> Servers:
    """Use `APPGEN_NATS_URL` / `APPGEN_DATABASE_URL` when set; start the missing ones under `data_dir`.

    nats-server keeps JetStream's file store in `data_dir/nats` (fsync on every write) and
    PostgreSQL its cluster in `data_dir/postgres`, so a later start finds everything again.
    """
    nats: NatsServer | None = None
    postgres: PostgresServer | None = None
    nats_url = env.get(NATS_URL_ENV)
    database_url = env.get(DATABASE_URL_ENV)
    try:
        if not nats_url:
            nats = NatsServer(data_dir / "nats", sync="always").start()
            nats_url = nats.url
        if not database_url:
            postgres = PostgresServer(data_dir / "postgres").start()
            database_url = postgres.url()
    except BaseException:
        Servers("", "", nats, postgres).stop()
        raise
    return Servers(nats_url, database_url, nats, postgres)
