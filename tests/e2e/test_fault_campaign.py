"""The short fault campaign (`python -m bench faults --short`): every kind of process killed,
nats-server and PostgreSQL taken away, the gateway killed and every stage restarted while eight
generations run against a slow model; every check of its table must be clean."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from bench.faults import SHORT, run_campaign

pytestmark = pytest.mark.e2e


def test_the_short_fault_campaign_leaves_a_clean_table() -> None:
    # Not under tmp_path: PostgreSQL runs as another user and needs every parent folder open to
    # it when it starts again, and pytest closes its own base folder (0700) when a run starts.
    folder = Path(tempfile.mkdtemp(prefix="appgen-test-faults-"))
    started = time.monotonic()
    verdict, log = run_campaign(SHORT, folder, echo=False)
    report = "\n".join([*log.lines, verdict.table(), f"{time.monotonic() - started:.0f} s"])
    print(report)
    # The folder (services.log, the servers' data) stays when the table is not clean.
    assert verdict.clean, f"{report}\nlogs and data: {folder}"
    shutil.rmtree(folder, ignore_errors=True)
