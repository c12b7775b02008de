"""One gateway as its own process, for the benchmarks that load a gateway with WebSockets."""

from __future__ import annotations

import os
import subprocess
import sys

from appgen.stack import NatsServer


def start_gateway(
    nats: NatsServer, database_url: str, port: int, *, sockets: int, **settings: str
) -> subprocess.Popen[bytes]:
    """`python -m appgen.gateway` on `port`, letting `sockets` WebSockets of the one bench key
    in; `settings` are more `APPGEN_*` variables (`WS_BUFFER="1024"`)."""
    env = dict(
        os.environ,
        APPGEN_NATS_URL=nats.url,
        APPGEN_DATABASE_URL=database_url,
        APPGEN_GATEWAY_PORT=str(port),
        # Every client uses the one bench key: let all of them in.
        APPGEN_MAX_WS_PER_KEY=str(sockets),
        APPGEN_MAX_WS_TOTAL=str(sockets),
        APPGEN_LOG_LEVEL="WARNING",
        **{f"APPGEN_{name}": value for name, value in settings.items()},
    )
    return subprocess.Popen([sys.executable, "-m", "appgen.gateway"], env=env)
