"""`appgen edit ID "…"` and `appgen revert ID N`: change an app, or bring back a version.

Both follow the project's events until the edit lands, printing what changed and the preview's
URL. Exits 0 when the new version is applied, 1 with the reason when it is rejected, the
gateway refuses the request, or no gateway answers.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from appgen.cli.client import (
    DEFAULT_DATA_DIR,
    DataDirOption,
    GatewayError,
    GatewayTarget,
    KeyOption,
    UrlOption,
    open_gateway,
    resolve_target,
)
from appgen.cli.watch import Message, follow_events

OUTCOMES = frozenset({"EditApplied", "EditRejected"})
TimeoutOption = Annotated[
    float, typer.Option("--timeout", min=1, help="Give up after this many seconds.")
]


def register(app: typer.Typer) -> None:
    app.command("edit")(edit)
    app.command("revert")(revert)


def edit(
    project_id: Annotated[str, typer.Argument(help="The project to change.", show_default=False)],
    prompt: Annotated[str, typer.Argument(help='What to change, e.g. "add a due date to tasks".')],
    timeout: TimeoutOption = 300,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Change a generated app with a follow-up prompt; it lands as a new version."""
    _main(resolve_target(url, key, data_dir), project_id, "edits", {"prompt": prompt}, timeout)


def revert(
    project_id: Annotated[str, typer.Argument(help="The project.", show_default=False)],
    version: Annotated[int, typer.Argument(min=1, help="The version to bring back.")],
    timeout: TimeoutOption = 300,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Make a new version equal to VERSION (history is kept, so this can be undone too)."""
    _main(resolve_target(url, key, data_dir), project_id, "revert", {"version": version}, timeout)


def _main(
    target: GatewayTarget, project_id: str, path: str, body: dict[str, Any], timeout: float
) -> None:
    console = Console(highlight=False, soft_wrap=True)
    try:
        ok = asyncio.run(asyncio.wait_for(_run(target, project_id, path, body, console), timeout))
    except GatewayError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    except TimeoutError:
        typer.echo(f"error: the change did not land within {timeout:g} s", err=True)
        raise typer.Exit(1) from None
    raise typer.Exit(0 if ok else 1)


async def _run(
    target: GatewayTarget, project_id: str, path: str, body: dict[str, Any], console: Console
) -> bool:
    async with open_gateway(target) as client:
        # A fixed key makes a retried POST return this edit rather than ask twice.
        receipt = await client.post(
            f"/api/v1/projects/{project_id}/{path}",
            body,
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        project = await client.get(f"/api/v1/projects/{project_id}")
    edit_id = str(receipt["edit_id"])
    console.print(f"Version {receipt['version']} of [bold]{project_id}[/] asked for; waiting…")

    def landed(message: Message) -> bool:
        data = message.get("data") or {}
        return message.get("event_type") in OUTCOMES and data.get("edit_id") == edit_id

    last: Message = {}
    since = int(receipt["position"]) - 1
    async for message in follow_events(target, project_id, since=since, until=landed):
        last = message
        _show(console, message, edit_id)
    data = last.get("data") or {}
    if last.get("event_type") != "EditApplied":
        console.print(f"[bold red]Not changed:[/] {escape(str(data.get('reason', '')))}")
        return False
    console.print(f"[bold green]Version {data['version']} is live[/].")
    preview = project.get("preview_url")
    if preview:
        console.print(f"Preview: {escape(str(preview))}")
    return True


def _show(console: Console, message: Message, edit_id: str) -> None:
    kind = message.get("event_type")
    data = message.get("data") or {}
    if data.get("edit_id") not in (None, edit_id):
        return
    if kind == "EditStarted":
        console.print("[bold]>[/] Changing the app…")
    elif kind == "SpecRevised":
        for change in data.get("changes", []):
            console.print(f"  [green]~[/] {escape(str(change.get('summary', '')))}")
    elif kind in ("ScreenAdded", "ScreenUpdated", "ScreenRemoved"):
        verb = {"ScreenAdded": "+", "ScreenUpdated": "~", "ScreenRemoved": "-"}[str(kind)]
        console.print(f"  [cyan]{verb}[/] screen {escape(str(data.get('title', '')))}")
