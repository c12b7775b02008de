"""The environment each service process starts with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StackEnv:
    """What every service is told about the stack it runs in."""

    nats_url: str
    database_url: str
    gateway_host: str
    gateway_port: int
    data_dir: Path
    # `appgen up --no-auth`: the gateway asks no key (loopback only; see `beyond_loopback`).
    no_auth: bool = False
    # `appgen up --nats-cluster N`: a new stream (and blob bucket) is made with N replicas.
    stream_replicas: int | None = None

    def variables(self) -> dict[str, str]:
        variables = {
            "APPGEN_NATS_URL": self.nats_url,
            "APPGEN_DATABASE_URL": self.database_url,
            "APPGEN_GATEWAY_HOST": self.gateway_host,
            "APPGEN_GATEWAY_PORT": str(self.gateway_port),
            "APPGEN_DATA_DIR": str(self.data_dir),
            # The gateway hands the page on this machine a token for this key.
            "APPGEN_LOCAL_KEY_FILE": str(self.data_dir / "local-key"),
        }
        if self.no_auth:
            variables["APPGEN_AUTH"] = "off"
        if self.stream_replicas is not None:
            variables["APPGEN_STREAM_REPLICAS"] = str(self.stream_replicas)
        return variables


def child_env(parent: Mapping[str, str], stack: StackEnv) -> dict[str, str]:
    """The parent's environment with the stack's settings on top (they win over inherited ones)."""
    env = dict(parent)
    env.update(stack.variables())
    # Output goes through a pipe to the prefixer; without this it would arrive in 8 KiB lumps.
    env["PYTHONUNBUFFERED"] = "1"
    return env
