"""A JetStream cluster of nats-server processes on this machine, each with its own store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from appgen.stack.nats_auth import NatsUser, RouteAuth
from appgen.stack.nats_server import ClusterRoutes, NatsServer
from appgen.stack.ports import free_ports

CLUSTER_NAME = "appgen"


@dataclass
class NatsCluster:
    """`size` nodes routed to each other on loopback; `url` names them all for a client.

    Node `i` keeps its store in `data_dir/node-<i>` under the name `appgen-<i>`, so a cluster
    started again on the same folder finds its streams even when the ports differ. A new
    cluster elects its JetStream leader a few seconds after `start()` returns; until then
    JetStream requests time out.
    """

    data_dir: Path
    size: int = 3
    sync: str = "always"
    # Clients that may connect (none: anyone), and what the nodes present to each other.
    users: tuple[NatsUser, ...] = field(default=(), repr=False)
    route_auth: RouteAuth | None = field(default=None, repr=False)
    nodes: list[NatsServer] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    @property
    def url(self) -> str:
        """Every node's URL, comma-separated (what `APPGEN_NATS_URL` takes)."""
        return ",".join(self.urls)

    def start(self) -> NatsCluster:
        if not self.nodes:
            ports = free_ports(2 * self.size)
            clients, routes = ports[: self.size], tuple(ports[self.size :])
            self.nodes = [
                NatsServer(
                    self.data_dir / f"node-{number}",
                    port=clients[number - 1],
                    sync=self.sync,
                    name=f"{CLUSTER_NAME}-{number}",
                    cluster=ClusterRoutes(
                        CLUSTER_NAME, routes[number - 1], routes, self.route_auth
                    ),
                    users=self.users,
                )
                for number in range(1, self.size + 1)
            ]
        try:
            for node in self.nodes:
                if not node.running:
                    node.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, *, kill: bool = False) -> None:
        for node in self.nodes:
            node.stop(kill=kill)
