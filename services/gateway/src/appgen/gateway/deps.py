"""FastAPI dependencies as `Annotated` aliases: what a route needs, named once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path
from starlette.requests import HTTPConnection

from appgen.events.catalog.ids import PROJECT_ID_PATTERN
from appgen.gateway.compat import OpenSockets
from appgen.gateway.runtime import Runtime


def get_runtime(conn: HTTPConnection) -> Runtime:
    runtime: Runtime = conn.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_sockets(conn: HTTPConnection) -> OpenSockets:
    sockets: OpenSockets = conn.app.state.sockets
    return sockets


SocketsDep = Annotated[OpenSockets, Depends(get_sockets)]
ProjectIdPath = Annotated[
    str,
    Path(pattern=PROJECT_ID_PATTERN, description="A project id: letters, digits, `_` and `-`."),
]
# Positions are JetStream sequences and a BIGINT column: anything larger names nothing.
MAX_POSITION = 2**63 - 1
