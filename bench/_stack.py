"""The whole stack as a user runs it (`appgen up`, every service its own process), for the
benchmarks that time a real client against it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from pydantic import TypeAdapter

from appgen.render.expo_toolchain import (
    default_cache,
    dependency_tree,
    installed,
    missing_tools,
    tree_folder,
)
from appgen.stack import free_port


def ready(origin: str) -> bool:
    try:
        return httpx.get(f"{origin}/readyz").status_code == 200
    except httpx.HTTPError:
        return False


def install_expo_tree(environment: dict[str, str]) -> None:
    """Install the native stage's Expo dependency tree now, if its builds will run and it is
    missing: otherwise the stage installs it during the measurement, a minute and more of npm
    on the cores every generation needs, once per machine (its result would say nothing of the
    steady state). Says so when it does."""
    # Read as the native stage's settings read it (pydantic's rule for a bool).
    if not TypeAdapter(bool).validate_python(environment.get("APPGEN_NATIVE__BUILDS", "true")):
        return
    if missing_tools() is not None:
        return  # the stage reports its builds skipped: nothing to install
    configured = environment.get("APPGEN_NATIVE__EXPO_CACHE")
    cache = Path(configured) if configured else default_cache()
    if installed(tree_folder(cache)):
        return
    print(f"installing the Expo SDK's dependency tree under {cache} before measuring...")
    started = time.monotonic()
    dependency_tree(cache)
    print(f"  installed in {time.monotonic() - started:.0f} s")


@contextmanager
def running_stack(
    nats_url: str, database_url: str, folder: Path, *, env: dict[str, str] | None = None
) -> Iterator[str]:
    """`appgen up` on a free port against our servers; yields the gateway's origin. `env` is
    added to (and overrides) the environment the services get."""
    port = free_port()
    environment = dict(
        os.environ,
        APPGEN_NATS_URL=nats_url,
        APPGEN_DATABASE_URL=database_url,
        # One bench key makes every generation: lift its limits out of the way.
        APPGEN_MAX_GENERATIONS_PER_HOUR="1000000",
        APPGEN_MAX_CONCURRENT_GENERATIONS="1000",
        APPGEN_MAX_WS_PER_KEY="1000",
        APPGEN_LOG_LEVEL="WARNING",
        **(env or {}),
    )
    install_expo_tree(environment)
    appgen = Path(sys.executable).parent / "appgen"
    command = [str(appgen), "up", "--port", str(port), "--data-dir", str(folder / "stack")]
    with (folder / "stack.log").open("wb") as log:
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        origin = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while not ready(origin):
            if time.monotonic() > deadline or process.poll() is not None:
                tail = (folder / "stack.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the stack did not become ready:\n{tail}")
            time.sleep(0.1)
        yield origin
    finally:
        # SIGINT: `appgen up` stops every service gracefully, then exits.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
