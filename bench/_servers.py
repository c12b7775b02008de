"""The servers a benchmark starts for itself, so it measures nothing else running on the machine."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from appgen.stack import NatsServer, PostgresServer


@dataclass(frozen=True)
class Servers:
    folder: Path
    nats: NatsServer
    postgres: PostgresServer


def use_uvloop() -> None:
    """The services run on uvloop when it is installed, so a benchmark of them does too."""
    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()


@contextlib.contextmanager
def own_servers(name: str) -> Iterator[Servers]:
    """A nats-server (fsync always) and a PostgreSQL in a temporary folder; all gone at the end."""
    folder = Path(tempfile.mkdtemp(prefix=f"appgen-bench-{name}-"))
    with ExitStack() as stack:
        # Run last to first: the servers stop, then their folder goes.
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        nats = NatsServer(folder / "nats").start()
        stack.callback(nats.stop)
        postgres = PostgresServer(folder / "postgres").start()
        stack.callback(postgres.stop)
        yield Servers(folder, nats, postgres)
