"""Metrics are public on the gateway (`GET /metrics`): no label may name a project or a key.

A label such as `project_id` would both leak who generates what and grow without bound, so the
label names of every appgen metric are held to a closed set here.
"""

from __future__ import annotations

from prometheus_client import REGISTRY

import appgen.events.transport.metrics
import appgen.gateway.app

ALLOWED = {"type", "service", "stage", "reason", "model", "kind"}


def test_every_appgen_metric_declares_only_allowed_labels() -> None:
    assert appgen.events.transport.metrics.EVENTS_PUBLISHED is not None
    assert appgen.gateway.app.create_app is not None
    declared = {
        getattr(collector, "_name", ""): set(getattr(collector, "_labelnames", ()))
        for collector in list(REGISTRY._collector_to_names)
    }
    ours = {name: labels for name, labels in declared.items() if name.startswith("appgen_")}
    # The registry really holds the shared metrics (the check is not vacuous).
    assert {"appgen_events_published", "appgen_stage_failures", "appgen_ws_connections"} <= set(
        ours
    )
    wrong = {name: labels - ALLOWED for name, labels in ours.items() if labels - ALLOWED}
    assert not wrong, f"labels outside {sorted(ALLOWED)}: {wrong}"
