"""Prometheus metrics shared by every service (the consumer loop and the bus record them)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram, start_http_server

EVENTS_PUBLISHED = Counter("appgen_events_published_total", "Events published", ["type", "service"])
DUPLICATES_DROPPED = Counter(
    "appgen_duplicate_publishes_total", "Publishes JetStream dropped as duplicates", ["type"]
)
EVENTS_CONSUMED = Counter(
    "appgen_events_consumed_total", "Events handled successfully", ["type", "service"]
)
REDELIVERIES = Counter(
    "appgen_redeliveries_total", "Messages handled again after a failure or crash", ["service"]
)
HANDLER_ERRORS = Counter(
    "appgen_handler_errors_total", "Handler attempts that raised", ["type", "service"]
)
STAGE_FAILURES = Counter(
    "appgen_stage_failures_total", "Inputs a stage gave up on", ["service", "reason"]
)
HANDLER_SECONDS = Histogram(
    "appgen_handler_seconds",
    "Time a handler took for one input",
    ["type", "service"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)


def serve(port: int) -> None:
    start_http_server(port)
