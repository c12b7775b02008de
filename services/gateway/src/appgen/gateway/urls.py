"""The URLs the gateway hands out: absolute, from the public origin when one is configured."""

from __future__ import annotations

import ipaddress
import socket

from starlette.requests import HTTPConnection

from appgen.events.read.projection import ProjectState
from appgen.gateway.bodies import ProjectLinks
from appgen.gateway.settings import Settings
from appgen.gateway.tokens import Signer
from appgen.store import ProjectSummary

API = "/api/v1"


def origin(conn: HTTPConnection, settings: Settings) -> str:
    """The http(s) origin clients reach the gateway at (for a WebSocket too: links it hands
    out are for pages and files)."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    base = str(conn.base_url).rstrip("/")
    if conn.url.scheme in ("ws", "wss"):
        return "http" + base.removeprefix("ws")
    return base


def ws_origin(http_origin: str) -> str:
    if http_origin.startswith("https://"):
        return "wss://" + http_origin.removeprefix("https://")
    return "ws://" + http_origin.removeprefix("http://")


def preview_path(conn: HTTPConnection, project_id: str) -> str:
    """The project's preview link (signed, so only those given it can open it)."""
    signer: Signer = conn.app.state.resources.signer
    return signer.preview_path(project_id)


def live_preview_path(conn: HTTPConnection, state: ProjectState | ProjectSummary) -> str | None:
    """The project's preview link once its preview is live, else None: the link is the
    gateway's to make, from the project's id."""
    return preview_path(conn, state.project_id) if state.preview_ready else None


def links(conn: HTTPConnection, settings: Settings, project_id: str) -> ProjectLinks:
    base = origin(conn, settings)
    return ProjectLinks(
        status_url=f"{base}{API}/projects/{project_id}",
        websocket_url=f"{ws_origin(base)}{API}/ws/generate/{project_id}",
        events_url=f"{base}{API}/projects/{project_id}/events",
        stream_url=f"{base}{API}/projects/{project_id}/stream",
        preview_url=f"{base}{preview_path(conn, project_id)}",
        qr_url=f"{base}{API}/projects/{project_id}/qr",
    )


def lan_address() -> str | None:
    """This machine's address on its local network (no packet is sent), or None offline."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if ipaddress.ip_address(address).is_loopback else address


def listens_beyond_loopback(host: str) -> bool:
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host not in ("localhost",)


def phone_origin(conn: HTTPConnection, settings: Settings) -> str:
    """The origin a phone on the same network can open: the public URL, else the LAN address
    when the gateway listens beyond loopback, else the request's own origin."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    if listens_beyond_loopback(settings.gateway_host):
        host = settings.gateway_host
        if _is_ip(host) and ipaddress.ip_address(host).is_unspecified:
            host = lan_address() or "127.0.0.1"
        port = conn.url.port or settings.gateway_port
        return f"{conn.url.scheme}://{host}:{port}"
    return origin(conn, settings)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
