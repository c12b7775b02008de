"""`appgen up`: the whole system on this machine, from one command."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from appgen.cli.client import LOCAL_KEY_FILE
from appgen.cli.leftovers import leftover_processes, stop_processes
from appgen.cli.localkey import ensure_local_key
from appgen.cli.lock import DataDirBusy, DataDirLock
from appgen.cli.output import Output
from appgen.cli.scale import ScaleError, parse_scale
from appgen.cli.servers import NATS_URL_ENV, Servers, start_servers
from appgen.cli.services import GATEWAY, SERVICES, installed_services, instances
from appgen.cli.stack import (
    StackOptions,
    beyond_loopback,
    redact,
    run_stack,
    stack_info,
    with_metrics_ports,
)
from appgen.cli.state import read_stack_info, remove_stack_info, write_stack_info
from appgen.stack import free_port

EXIT_OK = 0
EXIT_FAILED = 1
# Odd sizes only: a cluster keeps working while a majority of its nodes runs.
NATS_CLUSTER_SIZES = (1, 3, 5)


def register(app: typer.Typer) -> None:
    app.command("up")(up)


def up(
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="The gateway's port (0: any free port).")
    ] = 8000,
    host: Annotated[str, typer.Option(help="The address the gateway listens on.")] = "127.0.0.1",
    data_dir: Annotated[
        Path,
        typer.Option(help="Where NATS and PostgreSQL keep their data; reused by the next start."),
    ] = Path(".appgen"),
    scale: Annotated[
        list[str] | None,
        typer.Option(metavar="SERVICE=N", help="Run N processes of a stage (repeatable)."),
    ] = None,
    no_auth: Annotated[
        bool,
        typer.Option(
            "--no-auth",
            help="Ask no API key on sockets and REST, for clients on this machine that send "
            "none (such as the earlier generator's). Refused beyond loopback.",
        ),
    ] = False,
    nats_cluster: Annotated[
        int,
        typer.Option(
            metavar="N",
            help="Run N nats-server nodes (3 or 5) as one JetStream cluster on this machine, "
            "the event stream at N replicas, kept in DATA_DIR/nats-cluster; 1: one server.",
        ),
    ] = 1,
) -> None:
    """Start nats-server, PostgreSQL, every service and the gateway; Ctrl-C stops them all.

    A nats-server or PostgreSQL that exits is started again on the same ports and folder.
    """
    try:
        counts = parse_scale(scale or [])
    except ScaleError as error:
        raise typer.BadParameter(str(error), param_hint="--scale") from None
    if nats_cluster not in NATS_CLUSTER_SIZES:
        raise typer.BadParameter(
            f"{nats_cluster} nodes: use 1, 3 or 5 (a cluster needs a majority running)",
            param_hint="--nats-cluster",
        )
    code = run_up(
        host,
        port,
        data_dir.expanduser().resolve(),
        counts,
        Output(),
        no_auth=no_auth,
        nats_cluster=nats_cluster,
    )
    raise typer.Exit(code)


def port_in_use(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # The same option uvicorn sets, so a port in TIME_WAIT does not count as taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def no_auth_refusal(host: str) -> str | None:
    """Why `--no-auth` may not serve on `host`, or None when it may (loopback only)."""
    if not beyond_loopback(host):
        return None
    return (
        f"refusing --no-auth on {host}: without keys, anyone who can reach that address could "
        "use the API and spend your model budget. --no-auth is for clients on this machine: "
        "listen on 127.0.0.1 (the default), or keep keys on (appgen keys create --name NAME)."
    )


def run_up(
    host: str,
    port: int,
    data_dir: Path,
    scale: dict[str, int],
    output: Output,
    *,
    no_auth: bool = False,
    nats_cluster: int = 1,
) -> int:
    """The body of `appgen up`; returns the process's exit code."""
    refusal = no_auth_refusal(host) if no_auth else None
    if refusal is not None:
        output.error(refusal)
        return EXIT_FAILED
    if nats_cluster > 1 and os.environ.get(NATS_URL_ENV):
        output.error(
            f"--nats-cluster starts nats-server nodes of its own, but {NATS_URL_ENV} names a "
            "NATS to use: unset it, or leave --nats-cluster out"
        )
        return EXIT_FAILED
    services = installed_services()
    missing = [service.name for service in SERVICES if service not in services]
    if missing:
        output.warning(f"not written yet, so not started: {', '.join(missing)}")
    try:
        lock = DataDirLock(data_dir)
        lock.acquire()
    except DataDirBusy as error:
        output.error(str(error))
        return EXIT_FAILED
    if any(service.name == GATEWAY for service in services):
        if port == 0:
            port = free_port(host)
        elif port_in_use(host, port):
            output.error(f"port {port} on {host} is in use: pass another --port")
            lock.release()
            return EXIT_FAILED
    options = StackOptions(host, port, data_dir, tuple(instances(scale, services)), no_auth=no_auth)
    servers: Servers | None = None
    try:
        # Until the event loop takes over, SIGTERM unwinds like Ctrl-C so the finally runs.
        with _sigterm_interrupts():
            clean_up_after_a_killed_run(data_dir, output)
            servers = start_servers(data_dir, os.environ, nats_cluster=nats_cluster)
            options = with_metrics_ports(options)
            write_stack_info(data_dir, stack_info(options, servers))
            migrate(servers.database_url, output)
            announce_local_key(servers.database_url, data_dir, output)
        failure = asyncio.run(run_stack(options, servers, output))
    except KeyboardInterrupt:
        output.notice("interrupted while starting")
        return EXIT_OK
    except Exception as error:
        output.error(f"the stack could not run: {type(error).__name__}: {error}")
        return EXIT_FAILED
    finally:
        with _signals_ignored():
            if servers is not None:
                servers.stop()
            remove_stack_info(data_dir)
            lock.release()
    if failure is not None:
        return EXIT_FAILED
    output.notice("stopped")
    return EXIT_OK


def clean_up_after_a_killed_run(data_dir: Path, output: Output) -> None:
    """Stop what an earlier, killed `appgen up` on this folder left running (we hold the lock)."""
    earlier = read_stack_info(data_dir)
    if earlier is None:
        return
    leftovers = leftover_processes(earlier, data_dir)
    if leftovers:
        output.warning(
            f"an earlier appgen up (pid {earlier.pid}) did not stop cleanly; "
            f"stopping what it left running: {', '.join(sorted(leftovers))}"
        )
        stop_processes(leftovers)
    remove_stack_info(data_dir)


def migrate(database_url: str, output: Output) -> None:
    """Bring the event store's schema to the newest version (idempotent)."""
    if importlib.util.find_spec("appgen.store.migrate") is None:
        output.warning("the event store is not written yet: no migrations run")
        return
    from appgen.store.migrate import upgrade_to_head

    try:
        upgrade_to_head(database_url)
    except Exception as error:
        raise RuntimeError(
            f"migrating the event store at {redact(database_url)} failed: {error!r}"
        ) from error


def announce_local_key(database_url: str, data_dir: Path, output: Output) -> None:
    """Make (or reuse) the local key the CLI and the page use, and say where it is."""
    key, new = asyncio.run(ensure_local_key(database_url, data_dir))
    output.notice(
        f"{'new ' if new else ''}local API key {key} (in {data_dir / LOCAL_KEY_FILE}, mode 0600; "
        "the page and the CLI on this machine use it)"
    )


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    """Stopping PostgreSQL must not be cut short: one left running is reused by the next start."""
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
