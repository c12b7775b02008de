"""What each service process is told about the stack, and how it is shown to a person."""

from __future__ import annotations

from pathlib import Path

import pytest

from appgen.cli.environment import StackEnv, child_env
from appgen.cli.servers import Servers, postmaster_pid
from appgen.cli.services import instances
from appgen.cli.stack import (
    StackOptions,
    beyond_loopback,
    browse_host,
    child_specs,
    metrics_urls,
    redact,
    web_url,
    with_metrics_ports,
)
from appgen.cli.up import no_auth_refusal
from appgen.gateway.urls import listens_beyond_loopback

pytestmark = pytest.mark.unit

STACK = StackEnv(
    nats_url="nats://127.0.0.1:4333",
    database_url="postgresql://postgres@/appgen?host=/data/postgres",
    gateway_host="0.0.0.0",
    gateway_port=8123,
    data_dir=Path("/data"),
)
SERVERS = Servers("nats://127.0.0.1:1", "postgresql://postgres@/appgen?host=/x")


def test_child_env_carries_the_stack_settings() -> None:
    env = child_env({}, STACK)
    assert env["APPGEN_NATS_URL"] == "nats://127.0.0.1:4333"
    assert env["APPGEN_DATABASE_URL"] == "postgresql://postgres@/appgen?host=/data/postgres"
    assert env["APPGEN_GATEWAY_HOST"] == "0.0.0.0"
    assert env["APPGEN_GATEWAY_PORT"] == "8123"
    assert env["APPGEN_DATA_DIR"] == "/data"
    assert env["PYTHONUNBUFFERED"] == "1"


def test_child_env_keeps_the_parents_variables_but_the_stack_wins() -> None:
    parent = {"PATH": "/bin", "APPGEN_LLM_MODEL": "m", "APPGEN_NATS_URL": "nats://elsewhere"}
    env = child_env(parent, STACK)
    assert env["PATH"] == "/bin"
    assert env["APPGEN_LLM_MODEL"] == "m"
    assert env["APPGEN_NATS_URL"] == "nats://127.0.0.1:4333"
    assert parent["APPGEN_NATS_URL"] == "nats://elsewhere"


def test_child_specs_run_each_service_as_a_module(tmp_path: Path) -> None:
    options = StackOptions("127.0.0.1", 8123, tmp_path, tuple(instances({"screens": 2})))
    specs = child_specs(options, SERVERS)
    screens = [spec for spec in specs if spec.service == "screens"]
    assert [spec.label for spec in screens] == ["screens#1", "screens#2"]
    assert list(screens[0].argv[1:]) == ["-m", "appgen.screens"]
    assert all(spec.env["APPGEN_DATA_DIR"] == str(tmp_path) for spec in specs)
    assert all(spec.env["APPGEN_GATEWAY_PORT"] == "8123" for spec in specs)


def test_every_process_but_the_gateway_gets_its_own_metrics_port(tmp_path: Path) -> None:
    bare = StackOptions("127.0.0.1", 8123, tmp_path, tuple(instances({"screens": 2, "images": 2})))
    options = with_metrics_ports(bare)
    labels = [i.label for i in options.instances if i.service.name != "gateway"]
    assert sorted(options.metrics_ports) == sorted(labels)
    ports = list(options.metrics_ports.values())
    assert len(set(ports)) == len(ports)
    assert 8123 not in ports

    specs = {spec.label: spec for spec in child_specs(options, SERVERS)}
    for label, port in options.metrics_ports.items():
        assert specs[label].env["APPGEN_METRICS_PORT"] == str(port)
        assert specs[label].env["APPGEN_METRICS_HOST"] == "127.0.0.1"
    assert "APPGEN_METRICS_PORT" not in specs["gateway#1"].env

    urls = metrics_urls(options)
    assert list(urls) == [i.label for i in options.instances]
    assert urls["screens#2"] == f"http://127.0.0.1:{options.metrics_ports['screens#2']}/metrics"
    assert urls["gateway#1"] == "http://127.0.0.1:8123/metrics"


def test_a_metrics_port_inherited_from_the_parent_is_replaced(tmp_path: Path) -> None:
    options = with_metrics_ports(StackOptions("0.0.0.0", 8123, tmp_path, tuple(instances({}))))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APPGEN_METRICS_PORT", "9100")
        specs = {spec.label: spec for spec in child_specs(options, SERVERS)}
    assert specs["recorder#1"].env["APPGEN_METRICS_PORT"] == str(
        options.metrics_ports["recorder#1"]
    )
    assert specs["recorder#1"].env["APPGEN_METRICS_HOST"] == "0.0.0.0"
    assert metrics_urls(options)["recorder#1"].startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    ("host", "shown"), [("0.0.0.0", "127.0.0.1"), ("::", "127.0.0.1"), ("10.1.2.3", "10.1.2.3")]
)
def test_the_page_is_shown_at_an_address_a_browser_can_open(host: str, shown: str) -> None:
    assert browse_host(host) == shown
    assert web_url(host, 8000) == f"http://{shown}:8000/"


def test_an_ipv6_address_is_bracketed() -> None:
    assert web_url("::1", 8000) == "http://[::1]:8000/"


def test_passwords_are_not_printed() -> None:
    assert redact("postgresql://app:s3cret@db:5432/appgen") == "postgresql://app:***@db:5432/appgen"
    unix = "postgresql://postgres@/appgen?host=/data/postgres"
    assert redact(unix) == unix


def test_postmaster_pid_reads_the_first_line(tmp_path: Path) -> None:
    assert postmaster_pid(tmp_path) is None
    (tmp_path / "postmaster.pid").write_text("4242\n/data/postgres\n1700000000\n")
    assert postmaster_pid(tmp_path) == 4242


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.2", "::1", "localhost", "0.0.0.0", "::", "10.1.2.3", "example.org", ""],
)
def test_the_cli_and_the_gateway_agree_on_what_is_beyond_loopback(host: str) -> None:
    assert beyond_loopback(host) == listens_beyond_loopback(host)


def test_no_auth_tells_the_gateway_to_ask_no_key(tmp_path: Path) -> None:
    options = StackOptions("127.0.0.1", 8123, tmp_path, tuple(instances({})), no_auth=True)
    specs = {spec.label: spec for spec in child_specs(options, SERVERS)}
    assert specs["gateway#1"].env["APPGEN_AUTH"] == "off"
    keys = StackOptions("127.0.0.1", 8123, tmp_path, tuple(instances({})))
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("APPGEN_AUTH", raising=False)
        specs = {spec.label: spec for spec in child_specs(keys, SERVERS)}
    assert "APPGEN_AUTH" not in specs["gateway#1"].env


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_no_auth_is_allowed_on_loopback(host: str) -> None:
    assert no_auth_refusal(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "my-laptop.local"])
def test_no_auth_beyond_loopback_is_refused_with_what_to_do(host: str) -> None:
    refusal = no_auth_refusal(host)
    assert refusal is not None
    assert f"refusing --no-auth on {host}" in refusal
    assert "127.0.0.1" in refusal
