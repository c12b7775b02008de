"""Host checking for the page and its session: the answer to DNS rebinding.

A page from `http://attacker.example:8000` whose name the attacker then points at 127.0.0.1 is
same-origin with itself, so the browser's Fetch Metadata say `same-origin` for its requests to
the gateway; only its `Host` header (`attacker.example:8000`) tells it apart. So `/` and
`/api/v1/session` answer only to configured names: `APPGEN_ALLOWED_HOSTS`, else the loopback
names (`localhost`, `127.0.0.1`, `[::1]`), the host of `APPGEN_PUBLIC_URL`, and the address the
gateway listens on (its LAN address when that is 0.0.0.0). A refused request gets a 421 problem.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from appgen.gateway.problems import ProblemError
from appgen.gateway.settings import Settings
from appgen.gateway.urls import lan_address

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
ANY = "*"


def _name(host: str) -> str:
    """A host name or address without port or IPv6 brackets, lower-cased."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """The names the page and session answer to (`*` in the set: any)."""
    if settings.allowed_hosts:
        return frozenset(_name(host) for host in settings.allowed_hosts)
    names = set(LOOPBACK_NAMES)
    if settings.public_url:
        public = urlsplit(settings.public_url).hostname
        if public:
            names.add(_name(public))
    listening = _name(settings.gateway_host)
    try:
        unspecified = ipaddress.ip_address(listening).is_unspecified
    except ValueError:
        unspecified = False
    if unspecified:
        lan = lan_address()
        if lan:
            names.add(lan)
    else:
        names.add(listening)
    return frozenset(names)


def require_allowed_host(conn: HTTPConnection) -> None:
    """A 421 problem unless the request's `Host` is one of the allowed names."""
    allowed: frozenset[str] | None = getattr(conn.app.state, "allowed_hosts", None)
    if allowed is None:
        allowed = conn.app.state.allowed_hosts = allowed_hosts(conn.app.state.settings)
    if ANY in allowed:
        return
    host = conn.headers.get("host", "")
    if _name(host) not in allowed:
        raise ProblemError(
            421,
            f"This gateway does not answer to the host {host[:100]!r} here (DNS rebinding "
            "protection); open it at one of its own names, or add the name to "
            "APPGEN_ALLOWED_HOSTS.",
            type_="urn:appgen:host-not-allowed",
        )
