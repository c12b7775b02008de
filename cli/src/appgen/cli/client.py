"""The terminal's way to a running gateway: which one, with which key, and its errors in words.

Every command that talks to a gateway (`generate`, `status`, `open`, `events`, ...) takes the same
`--url`, `--key` and `--data-dir` options from here and goes through `GatewayClient`, so finding
the gateway, authenticating and turning problems into messages happen once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import typer

from appgen.cli.state import read_stack_info

DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_DATA_DIR = Path(".appgen")
LOCAL_KEY_FILE = "local-key"

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        envvar="APPGEN_URL",
        help="The gateway (default: the one `appgen up` runs from --data-dir, else "
        f"{DEFAULT_URL}).",
        show_default=False,
    ),
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key",
        envvar="APPGEN_KEY",
        help=f"API key (default: <data-dir>/{LOCAL_KEY_FILE} when `appgen up` wrote one).",
        show_default=False,
    ),
]
DataDirOption = Annotated[
    Path,
    typer.Option("--data-dir", help="The folder `appgen up` runs from, to find its gateway."),
]


class GatewayError(Exception):
    """A request the gateway refused or could not answer, with a message for a person."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class GatewayTarget:
    """Where the gateway is and how to authenticate to it."""

    url: str
    key: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}

    def websocket_url(self, path: str) -> str:
        parts = urlsplit(self.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        base = parts.path.rstrip("/")
        return urlunsplit((scheme, parts.netloc, base + path, "", ""))


def resolve_target(url: str | None, key: str | None, data_dir: Path) -> GatewayTarget:
    """`--url`, else the gateway of a running `appgen up` in `data_dir`, else the default port;
    `--key`, else the local key `appgen up` wrote, else none."""
    data_dir = data_dir.expanduser()
    if url is None:
        info = read_stack_info(data_dir)
        url = info.web_url if info is not None and info.web_url else DEFAULT_URL
    if key is None:
        key = _read_local_key(data_dir)
    return GatewayTarget(url=url.rstrip("/"), key=key or None)


def _read_local_key(data_dir: Path) -> str | None:
    try:
        return (data_dir / LOCAL_KEY_FILE).read_text().strip() or None
    except OSError:
        return None


def problem_message(response: httpx.Response) -> str:
    """The gateway answers errors as problem+json; show its title and detail, else the status."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping):
        title = str(body.get("title") or response.reason_phrase)
        detail = body.get("detail")
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            # A 422 names each bad field; a person needs those, not "see `errors`".
            detail = "; ".join(_field_error(e) for e in errors if isinstance(e, Mapping))
        return f"{title}: {detail}" if detail and detail != title else title
    return f"{response.status_code} {response.reason_phrase}"


def _field_error(error: Mapping[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


class GatewayClient:
    """JSON over HTTP to one gateway; every failure becomes a `GatewayError` with a clear message."""

    def __init__(self, target: GatewayTarget, http: httpx.AsyncClient) -> None:
        self.target = target
        self._http = http

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self.request("GET", path, params=params)

    async def post(
        self,
        path: str,
        body: Any = None,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return await self.request("POST", path, json=body, params=params, headers=headers)

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        response = await self.raw(method, path, json=json, params=params, headers=headers)
        return response.json() if response.content else None

    async def raw(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """The response itself (for bodies that are not JSON, such as a zip)."""
        try:
            response = await self._http.request(
                method, path, json=json, params=params, headers=dict(headers or {})
            )
        except httpx.TransportError as error:
            raise GatewayError(
                f"no gateway answers at {self.target.url} ({type(error).__name__}); "
                "start one with `make up` or pass --url"
            ) from None
        if response.is_error:
            raise GatewayError(problem_message(response), status=response.status_code)
        return response


@asynccontextmanager
async def open_gateway(
    target: GatewayTarget, *, timeout_s: float = 30.0
) -> AsyncIterator[GatewayClient]:
    async with httpx.AsyncClient(
        base_url=target.url, headers=target.headers, timeout=timeout_s
    ) as http:
        yield GatewayClient(target, http)
