"""Users in a nats-server's configuration: who may connect, and what each may publish and
subscribe to. Without users a server lets anyone in (the tests' own servers)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class NatsUser:
    """One user and its permissions (nats-server's `authorization.users`); `deny` wins."""

    user: str
    password: str
    publish: tuple[str, ...] = (">",)
    subscribe: tuple[str, ...] = (">",)
    publish_deny: tuple[str, ...] = ()
    allow_responses: bool = False
    # `password` names an environment variable of the server (deploy/: from a Secret).
    password_variable: bool = False

    def config(self) -> str:
        publish = f"allow: {_list(self.publish)}"
        if self.publish_deny:
            publish += f", deny: {_list(self.publish_deny)}"
        responses = ", allow_responses: true" if self.allow_responses else ""
        password = f"${self.password}" if self.password_variable else _quote(self.password)
        return (
            f"{{user: {_quote(self.user)}, password: {password}, permissions: {{"
            f"publish: {{{publish}}}, subscribe: {{allow: {_list(self.subscribe)}}}{responses}}}}}"
        )


@dataclass(frozen=True)
class RouteAuth:
    """The user and password the nodes of a cluster present to each other on their routes."""

    user: str
    password: str

    def config(self) -> str:
        return (
            f"  authorization {{ user: {_quote(self.user)}, password: {_quote(self.password)} }}\n"
        )

    def userinfo(self) -> str:
        return f"{self.user}:{self.password}@"


def authorization_config(users: Sequence[NatsUser]) -> str:
    """The `authorization` block; empty (anyone may connect) without users."""
    if not users:
        return ""
    lines = ",\n".join(f"    {user.config()}" for user in users)
    return f"authorization {{\n  users: [\n{lines}\n  ]\n}}\n"


def _quote(text: str) -> str:
    # Quoted, so `$JS.API…` is a subject and not a variable, and no password is read as syntax.
    return json.dumps(text)


def _list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_quote(item) for item in items) + "]"
