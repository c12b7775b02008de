"""The services a stack runs, in start order, and which of them exist in this checkout."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    """One runnable service: `python -m appgen.<name>`."""

    name: str
    # Why a service cannot run as several processes, or None when it can.
    single_because: str | None = None
    # False for a service that serves `/metrics` on the port it already listens on, rather than
    # on an `APPGEN_METRICS_PORT` of its own.
    own_metrics_port: bool = True

    @property
    def module(self) -> str:
        return f"appgen.{self.name}"

    @property
    def scalable(self) -> bool:
        return self.single_because is None

    def installed(self) -> bool:
        """Whether `appgen.<name>.__main__` exists (stages are written in parallel)."""
        try:
            return importlib.util.find_spec(f"{self.module}.__main__") is not None
        except ModuleNotFoundError:
            return False


# Start order: the recorder first so nothing published waits for it; the gateway last, so
# the page only answers once the pipeline behind it is running.
SERVICES: tuple[Service, ...] = (
    # More than one is a hot standby: one writes while it holds the lead, the others wait for it.
    Service("recorder"),
    Service("analyzer"),
    Service("scaffolder"),
    Service("screens"),
    Service("images"),
    Service("finisher"),
    # In the background (nice 10): each version's Expo web build and the Expo Go servers.
    Service("native"),
    Service("gateway", "it listens on the one --port", own_metrics_port=False),
)
GATEWAY = "gateway"
BY_NAME: Mapping[str, Service] = {service.name: service for service in SERVICES}


@dataclass(frozen=True)
class Instance:
    """One process of a service: `screens#2` is the second screens worker."""

    service: Service
    index: int

    @property
    def label(self) -> str:
        return f"{self.service.name}#{self.index}"


def instances(scale: Mapping[str, int], services: Iterable[Service] = SERVICES) -> list[Instance]:
    """Every process to start, in start order: N instances of a scaled service, else one."""
    return [
        Instance(service, index)
        for service in services
        for index in range(1, scale.get(service.name, 1) + 1)
    ]


def installed_services() -> list[Service]:
    return [service for service in SERVICES if service.installed()]
