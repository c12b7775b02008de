"""The running stack: make the stream, run the supervisor, say where things are once it answers."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import signal
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import nats
import nats.errors
from nats.aio.client import Client
from nats.js.errors import ServiceUnavailableError

from appgen.cli.environment import StackEnv, child_env
from appgen.cli.nats_users import NatsCredentials
from appgen.cli.output import Output
from appgen.cli.server_watch import ServerWatch
from appgen.cli.servers import Servers
from appgen.cli.services import GATEWAY, Instance
from appgen.cli.state import StackInfo, read_stack_info, write_stack_info
from appgen.cli.supervisor import ChildSpec, Supervisor
from appgen.events import NatsSettings
from appgen.events.catalog.permissions import ADMIN, inbox_prefix
from appgen.events.transport.bus import server_urls
from appgen.events.transport.stream import ensure_stream
from appgen.stack import free_ports

_STREAM_TIMEOUT_S = 30.0
# One JetStream request while a new cluster elects its leader (about 5 s here): short, and
# repeated until the whole _STREAM_TIMEOUT_S has passed.
_JETSTREAM_REQUEST_S = 1.0
_HEALTH_POLL_S = 0.1


@dataclass(frozen=True)
class StackOptions:
    host: str
    port: int
    data_dir: Path
    instances: tuple[Instance, ...]
    grace_s: float = 15.0
    # Instance label (screens#2) to the port its Prometheus metrics are served on.
    metrics_ports: dict[str, int] = field(default_factory=dict)
    # `--no-auth`: no keys, for keyless clients on this machine (refused beyond loopback).
    no_auth: bool = False


def beyond_loopback(host: str) -> bool:
    """Whether a server bound to `host` is reachable from other machines (the gateway's rule)."""
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host != "localhost"


def browse_host(host: str) -> str:
    """Where a browser on this machine reaches a server bound to `host`."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


def web_url(host: str, port: int) -> str:
    shown = browse_host(host)
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def redact(url: str) -> str:
    """A URL fit to print: the password, if any, replaced."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def with_metrics_ports(options: StackOptions) -> StackOptions:
    """`options` with a free port for every process that serves metrics on a port of its own.

    Call it once NATS and PostgreSQL hold their ports, so none of theirs is handed out again.
    Each worker of a scaled stage gets its own port; a restarted process keeps its port.
    """
    labels = [i.label for i in options.instances if i.service.own_metrics_port]
    # free_ports binds IPv4 only; a port free on loopback serves for an IPv6 address as well.
    probe_host = options.host if options.host and ":" not in options.host else "127.0.0.1"
    ports = free_ports(len(labels), probe_host, avoid={options.port})
    return replace(options, metrics_ports=dict(zip(labels, ports, strict=True)))


def metrics_urls(options: StackOptions) -> dict[str, str]:
    """Where each process's Prometheus metrics are, in start order: a stage's on its own port,
    the gateway's at `/metrics` on the port it serves the page on."""
    urls: dict[str, str] = {}
    for instance in options.instances:
        port = options.metrics_ports.get(instance.label)
        if port is None and instance.service.name == GATEWAY:
            port = options.port
        if port is not None:
            urls[instance.label] = f"{web_url(options.host, port)}metrics"
    return urls


def metrics_env(options: StackOptions, instance: Instance) -> dict[str, str]:
    """The variables that make one process serve its metrics (none for the gateway)."""
    port = options.metrics_ports.get(instance.label)
    if port is None:
        return {}
    # On the gateway's address: metrics are never more reachable than the page.
    return {"APPGEN_METRICS_PORT": str(port), "APPGEN_METRICS_HOST": options.host}


def child_specs(options: StackOptions, servers: Servers) -> list[ChildSpec]:
    env = child_env(
        os.environ,
        StackEnv(
            nats_url=servers.nats_url,
            database_url=servers.database_url,
            gateway_host=options.host,
            gateway_port=options.port,
            data_dir=options.data_dir,
            no_auth=options.no_auth,
            stream_replicas=servers.stream_replicas,
        ),
    )
    return [
        ChildSpec(
            service=instance.service.name,
            label=instance.label,
            argv=(sys.executable, "-m", instance.service.module),
            env={**env, **metrics_env(options, instance), **nats_user_env(servers, instance)},
        )
        for instance in options.instances
    ]


def nats_user_env(servers: Servers, instance: Instance) -> dict[str, str]:
    """The embedded NATS's user of one process's service (none for a NATS named by the
    environment: its processes present what the environment says)."""
    if servers.credentials is None:
        return {}
    return servers.credentials.env(instance.service.name)


async def _ignore_error(error: Exception) -> None:
    return None


async def ensure_event_stream(
    nats_url: str, replicas: int | None = None, *, credentials: NatsCredentials | None = None
) -> None:
    """Create or update the stream before any service runs, so the stack is usable at once.

    `replicas` (an embedded cluster's size) makes a new stream with that many copies; None
    leaves it to `APPGEN_STREAM_REPLICAS`. With `credentials` (an embedded NATS) it connects as
    the admin, else as whatever user the environment names.
    """
    settings = NatsSettings(nats_url=nats_url)
    if replicas is not None:
        settings = NatsSettings(nats_url=nats_url, stream_replicas=replicas)
    if credentials is not None:
        settings = credentials.settings(ADMIN, settings)
    try:
        async with asyncio.timeout(_STREAM_TIMEOUT_S):
            # Two tries, no printed tracebacks: a wrong URL is reported once, below. (nats-py
            # retries a refused first connection for ever unless max_reconnect_attempts > 0.)
            nc = await nats.connect(
                server_urls(nats_url),
                name="appgen-up",
                allow_reconnect=False,
                max_reconnect_attempts=1,
                reconnect_time_wait=0.5,
                error_cb=_ignore_error,
                user=settings.nats_user,
                password=settings.nats_secret(),
                inbox_prefix=inbox_prefix(settings.nats_user),
            )
            try:
                await _ensure_stream_once_jetstream_answers(nc, settings)
            finally:
                await nc.close()
    except (OSError, TimeoutError, nats.errors.Error) as error:
        raise RuntimeError(f"NATS at {nats_url} is not usable: {error!r}") from error


async def _ensure_stream_once_jetstream_answers(nc: Client, settings: NatsSettings) -> None:
    # A cluster that has just started answers nothing (or 503) until it has elected a leader.
    js = nc.jetstream(timeout=_JETSTREAM_REQUEST_S)
    while True:
        try:
            await ensure_stream(js, settings)
            return
        except (nats.errors.TimeoutError, nats.errors.NoRespondersError, ServiceUnavailableError):
            await asyncio.sleep(_HEALTH_POLL_S)


async def wait_until_healthy(url: str) -> None:
    async with httpx.AsyncClient(timeout=1.0) as client:
        while True:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(_HEALTH_POLL_S)


def stack_info(
    options: StackOptions,
    servers: Servers,
    *,
    processes: dict[str, int] | None = None,
    page: str | None = None,
    ready: bool = False,
) -> StackInfo:
    return StackInfo(
        pid=os.getpid(),
        ready=ready,
        data_dir=str(options.data_dir),
        web_url=page,
        nats_url=servers.nats_url,
        database_url=servers.database_url,
        processes=processes or {},
        servers=servers.pids(),
        metrics=metrics_urls(options),
    )


async def announce_when_ready(
    options: StackOptions, servers: Servers, supervisor: Supervisor, output: Output
) -> None:
    """Once the gateway answers `/healthz` (or at once, while no gateway exists), say where
    everything is and mark `stack.json` ready for other commands."""
    await supervisor.spawned()
    write_stack_info(options.data_dir, stack_info(options, servers, processes=supervisor.pids()))
    page: str | None = None
    if any(instance.service.name == "gateway" for instance in options.instances):
        page = web_url(options.host, options.port)
        await wait_until_healthy(f"{page}healthz")
    info = stack_info(options, servers, processes=supervisor.pids(), page=page, ready=True)
    write_stack_info(options.data_dir, info)
    output.notice("appgen is up")
    output.notice(f"  web page  {page or 'none: the gateway service is not written yet'}")
    if options.no_auth:
        output.warning(
            "  keys      off (--no-auth): any program on this machine, and any web page open "
            "in a browser here, can use the API without a key"
        )
    output.notice(f"  data      {options.data_dir}")
    output.notice(f"  nats      {servers.nats_url}{nats_note(servers)}")
    output.notice(
        f"  postgres  {redact(servers.database_url)}{' (embedded)' if servers.postgres else ''}"
    )
    announce_metrics(info.metrics, output)
    output.notice("  Ctrl-C stops everything")


def nats_note(servers: Servers) -> str:
    if servers.stream_replicas is not None:
        return (
            f" (embedded: {servers.stream_replicas}-node cluster, "
            f"stream at {servers.stream_replicas} replicas)"
        )
    if servers.nats is None:
        return ""
    users = f", a user per service in {servers.credentials.folder}" if servers.credentials else ""
    return f" (embedded{users})"


def record_server_pids(data_dir: Path, servers: Servers) -> None:
    """After a server was started again: its new pid in `stack.json`, the rest as it was."""
    info = read_stack_info(data_dir)
    if info is not None:
        write_stack_info(data_dir, info.model_copy(update={"servers": servers.pids()}))


def announce_metrics(urls: dict[str, str], output: Output) -> None:
    """One line per process: `metrics   screens#2    http://127.0.0.1:40123/metrics`."""
    width = max((len(label) for label in urls), default=0)
    for number, (label, url) in enumerate(urls.items()):
        heading = "metrics" if number == 0 else ""
        output.notice(f"  {heading:<9} {label:<{width}}  {url}")


def _report_failure(task: asyncio.Task[None], output: Output) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        output.error(f"could not announce the stack: {type(error).__name__}: {error}")


async def run_stack(options: StackOptions, servers: Servers, output: Output) -> str | None:
    """Run every service until SIGINT/SIGTERM; None, or why the stack gave up."""
    stop = asyncio.Event()
    hurry = asyncio.Event()

    def on_signal() -> None:
        if stop.is_set():
            output.warning("stopping now: killing what is still running")
            hurry.set()
            return
        output.notice(
            f"stopping: services get up to {options.grace_s:g}s to finish in-flight work "
            "(Ctrl-C again to kill them)"
        )
        stop.set()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    await ensure_event_stream(
        servers.nats_url, servers.stream_replicas, credentials=servers.credentials
    )
    supervisor = Supervisor(child_specs(options, servers), output, grace_s=options.grace_s)
    watch = ServerWatch(
        servers.watched(),
        output,
        supervisor.policy,
        on_restart=lambda: record_server_pids(options.data_dir, servers),
    )
    watching = asyncio.create_task(watch.run(stop))
    ready = asyncio.create_task(announce_when_ready(options, servers, supervisor, output))
    ready.add_done_callback(lambda task: _report_failure(task, output))
    try:
        failure = await supervisor.run(stop, hurry)
    finally:
        # stack.json stays until the servers are stopped too: a run killed now is cleaned up
        # by the next one.
        ready.cancel()
        stop.set()
        # A restart in progress finishes before the caller stops the servers.
        await watching
    return failure or watch.failure
