"""How the terminal finds its gateway and key, and how it words the gateway's errors."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from appgen.cli.client import DEFAULT_URL, GatewayTarget, problem_message, resolve_target
from appgen.cli.state import StackInfo, write_stack_info


def test_an_explicit_url_and_key_win(tmp_path: Path) -> None:
    (tmp_path / "local-key").write_text("local\n")
    target = resolve_target("http://gw:9000/", "mine", tmp_path)
    assert target == GatewayTarget(url="http://gw:9000", key="mine")
    assert target.headers == {"Authorization": "Bearer mine"}


def test_the_running_stack_and_its_local_key_are_found(tmp_path: Path) -> None:
    info = StackInfo(
        pid=os.getpid(),
        ready=True,
        data_dir=str(tmp_path),
        web_url="http://127.0.0.1:8123",
        nats_url="nats://127.0.0.1:4222",
        database_url="postgresql://localhost/appgen",
        processes={},
        servers={},
    )
    write_stack_info(tmp_path, info)
    (tmp_path / "local-key").write_text("ak_local\n")
    assert resolve_target(None, None, tmp_path) == GatewayTarget(
        url="http://127.0.0.1:8123", key="ak_local"
    )


def test_without_a_stack_the_default_port_and_no_key(tmp_path: Path) -> None:
    target = resolve_target(None, None, tmp_path / "missing")
    assert target == GatewayTarget(url=DEFAULT_URL, key=None)
    assert target.headers == {}


def test_websocket_urls_follow_the_scheme_and_base_path() -> None:
    assert GatewayTarget("http://a:1").websocket_url("/x") == "ws://a:1/x"
    assert GatewayTarget("https://a/base").websocket_url("/x") == "wss://a/base/x"


def test_problem_bodies_become_one_line() -> None:
    problem = httpx.Response(
        404, json={"title": "Project not found", "detail": "No project p-1.", "status": 404}
    )
    assert problem_message(problem) == "Project not found: No project p-1."
    assert (
        problem_message(httpx.Response(502, text="<html>bad gateway</html>")) == "502 Bad Gateway"
    )
