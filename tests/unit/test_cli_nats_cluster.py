"""`appgen up --nats-cluster N`: the sizes it takes, and the node configs it writes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from appgen.cli.main import app
from appgen.cli.output import Output
from appgen.cli.up import EXIT_FAILED, run_up
from appgen.stack import ClusterRoutes
from appgen.stack.nats_server import server_config

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("size", ["2", "4", "0"])
def test_only_odd_cluster_sizes_are_taken(size: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["up", "--nats-cluster", size, "--data-dir", str(tmp_path / "data")]
    )
    assert result.exit_code == 2
    assert "use 1, 3 or 5" in result.output
    assert not (tmp_path / "data").exists()


def test_a_cluster_is_refused_beside_a_named_nats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPGEN_NATS_URL", "nats://127.0.0.1:4222")
    buffer = io.StringIO()
    output = Output(Console(file=buffer, width=200, color_system=None))
    code = run_up("127.0.0.1", 0, tmp_path / "data", {}, output, nats_cluster=3)
    assert code == EXIT_FAILED
    assert "APPGEN_NATS_URL names a NATS to use" in buffer.getvalue()
    assert not (tmp_path / "data").exists()


def test_a_node_is_named_and_routed_to_every_node_with_fsync_on_every_write() -> None:
    routes = ClusterRoutes("appgen", 6001, (6001, 6002, 6003))
    config = server_config(
        Path("/data/node-2"), 4002, sync="always", name="appgen-2", cluster=routes
    )
    assert "server_name: appgen-2\n" in config
    assert "sync_interval: always\n" in config
    assert "  listen: 127.0.0.1:6001\n" in config
    assert (
        "routes: [nats-route://127.0.0.1:6001, nats-route://127.0.0.1:6002, "
        "nats-route://127.0.0.1:6003]"
    ) in config
    # One server alone has no cluster block and a name from its port, as before.
    single = server_config(Path("/data"), 4222, sync="always")
    assert "cluster" not in single
    assert "server_name: appgen_4222\n" in single
