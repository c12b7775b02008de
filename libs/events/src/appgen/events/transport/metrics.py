"""Prometheus metrics shared by every service (the consumer loop, the bus and the recorder record
them; the gateway adds its WebSocket figures). A service serves them with `serve(port)`, the
gateway at `/metrics`.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from appgen.events.catalog.envelope import Event

_SECONDS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
_PROJECT_SECONDS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)

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
EVENTS_PARKED = Counter(
    "appgen_events_parked_total",
    "Offers of an event this process cannot read (a newer version wrote it), put back for later",
    ["service"],
)
HANDLER_ERRORS = Counter(
    "appgen_handler_errors_total", "Handler attempts that raised", ["type", "service"]
)
STAGE_FAILURES = Counter(
    "appgen_stage_failures_total",
    "Inputs a stage gave up on; reason is permanent, retries_exhausted, worker_lost or invalid",
    ["stage", "service", "reason"],
)
HANDLER_SECONDS = Histogram(
    "appgen_handler_seconds",
    "Time a handler took for one input",
    ["type", "service"],
    buckets=_SECONDS,
)
STAGE_SECONDS = Histogram(
    "appgen_stage_seconds", "Time a stage took for one input", ["stage"], buckets=_SECONDS
)
TIME_TO_PREVIEW = Histogram(
    "appgen_time_to_preview_seconds",
    "From a project's request to its live preview (observed by the recorder)",
    buckets=_PROJECT_SECONDS,
)
TIME_TO_COMPLETION = Histogram(
    "appgen_time_to_completion_seconds",
    "From a project's request to its completion (observed by the recorder)",
    buckets=_PROJECT_SECONDS,
)
MODEL_TOKENS = Counter(
    "appgen_model_tokens_total",
    "Language-model tokens, from the model_calls of published events",
    ["model", "kind"],
)
MODEL_COST = Counter("appgen_model_cost_usd_total", "Language-model cost in US dollars", ["model"])
RECORDER_HIGH_WATER = Gauge(
    "appgen_recorder_high_water",
    "The stream position up to which the store holds every event (the tracking row)",
)
RECORDER_EVENTS = Counter(
    "appgen_recorder_events_total",
    "Stream messages the recorder handled; kind is stored, duplicate or unreadable",
    ["kind"],
)
RECORDER_WRITE_SECONDS = Histogram(
    "appgen_recorder_write_seconds", "Time to write one batch and move the mark", buckets=_SECONDS
)
WS_CONNECTIONS = Gauge("appgen_ws_connections", "Open progress WebSockets")
WS_SEND_SECONDS = Histogram(
    "appgen_ws_send_seconds", "Time to hand one message to a WebSocket", buckets=_SECONDS
)
WS_DIRECT_FRAMES = Counter(
    "appgen_ws_direct_frames_total",
    "Messages the hub wrote straight to caught-up WebSockets (the direct path)",
)
WS_FANOUT_SECONDS = Histogram(
    "appgen_ws_fanout_seconds",
    "Time to write one event to every caught-up WebSocket of its project",
    buckets=_SECONDS,
)


def count_published(event: Event) -> None:
    """An event the stream accepted (not a duplicate): count it and the model use it reports."""
    EVENTS_PUBLISHED.labels(event.type, event.metadata.service).inc()
    for call in event.metadata.model_calls:
        MODEL_TOKENS.labels(call.model, "input").inc(call.input_tokens)
        MODEL_TOKENS.labels(call.model, "cached_input").inc(call.cached_input_tokens)
        MODEL_TOKENS.labels(call.model, "output").inc(call.output_tokens)
        MODEL_COST.labels(call.model).inc(call.cost_usd)


def serve(port: int, host: str = "0.0.0.0") -> None:
    """Answer every path (conventionally `/metrics`) on `host:port` from a background thread."""
    start_http_server(port, addr=host)
