"""Running one gateway call from a synchronous typer command, with its errors as messages."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from appgen.cli.client import GatewayClient, GatewayError, open_gateway, resolve_target

T = TypeVar("T")


def call_gateway(
    url: str | None,
    key: str | None,
    data_dir: Path,
    action: Callable[[GatewayClient], Awaitable[T]],
) -> T:
    """Run `action` against the gateway; a refusal or an unreachable gateway exits 1 with why."""
    target = resolve_target(url, key, data_dir)

    async def run() -> T:
        async with open_gateway(target) as client:
            return await action(client)

    try:
        return asyncio.run(run())
    except GatewayError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, sort_keys=True))
