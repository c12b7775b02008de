"""FastAPI dependencies as `Annotated` aliases: what a route needs, named once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path
from starlette.requests import HTTPConnection

from appgen.events.catalog.ids import PROJECT_ID_PATTERN
from appgen.gateway.compat import OpenSockets
from appgen.gateway.resources import Resources


def get_resources(conn: HTTPConnection) -> Resources:
    resources: Resources = conn.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


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
