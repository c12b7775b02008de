"""One Metro dev server (`expo start`, offline, no account): its folder, its process, the files
it serves, and how to tell it is up. The pool (`previews.py`) decides when one runs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from appgen.events.catalog.files import check_relative_path

_LOG_TAIL = 60


@dataclass
class Server:
    """One running dev server."""

    project_id: str
    slot: int
    folder: Path
    expo_url: str = ""
    started: float = field(default_factory=time.monotonic)
    last_used: float = field(default_factory=time.monotonic)
    written: dict[str, bytes] = field(default_factory=dict)
    process: asyncio.subprocess.Process | None = None
    task: asyncio.Task[None] | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    stop_reason: str | None = None

    @property
    def project(self) -> Path:
        return self.folder / "project"

    @property
    def log_file(self) -> Path:
        return self.folder / "metro.log"

    def tail(self) -> str:
        with contextlib.suppress(OSError):
            lines = self.log_file.read_text(errors="replace").splitlines()
            return "\n".join(lines[-_LOG_TAIL:])[-16000:]
        return ""


def write_changes(server: Server, files: Mapping[str, bytes]) -> bool:
    """Write the files that differ from what the server has, delete the ones gone; True if any."""
    root = server.project
    changed = False
    for path in set(server.written) - set(files):
        with contextlib.suppress(FileNotFoundError):
            (root / check_relative_path(path)).unlink()
        changed = True
    for path, data in files.items():
        if server.written.get(path) == data:
            continue
        target = root / check_relative_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        changed = True
    server.written = dict(files)
    return changed


def free_port() -> int:
    """A port nothing listens on now, for the next dev server."""
    with socket.socket() as probe:
        probe.bind(("", 0))
        return int(probe.getsockname()[1])


async def spawn(server: Server, host: str, port: int) -> asyncio.subprocess.Process:
    """`expo start` in the server's project, in a process group of its own, logging to its file."""
    # Not CI: in CI mode Metro does not watch files, and fast refresh is the point. Its own
    # temporary folder gives each server its own Metro cache (docs/expo.md, one workspace).
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env |= {
        "EXPO_OFFLINE": "1",
        "EXPO_NO_TELEMETRY": "1",
        "NO_COLOR": "1",
        "TMPDIR": str(server.folder / "tmp"),
        "EXPO_PACKAGER_PROXY_URL": f"http://{host}:{port}",
    }
    output = server.log_file.open("wb")
    try:
        return await asyncio.create_subprocess_exec(
            "npx",
            "--no-install",
            "expo",
            "start",
            "--port",
            str(port),
            cwd=server.project,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        output.close()


def terminate(process: asyncio.subprocess.Process | None) -> None:
    """Stop the server's whole process group (npx, node and Metro's workers)."""
    if process is None or process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)


async def packager_status(port: int) -> str:
    """What Metro answers at /status ("packager-status:running" once it is up), else ""."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 2)
    except (OSError, TimeoutError):
        return ""
    try:
        writer.write(b"GET /status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(4096), 5)
    except (OSError, TimeoutError):
        return ""
    finally:
        writer.close()
    return answer.partition(b"\r\n\r\n")[2].decode(errors="replace").strip()
