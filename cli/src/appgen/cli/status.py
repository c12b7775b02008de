"""`appgen status ID` (a project's state as a table) and `appgen open ID` (its preview)."""

from __future__ import annotations

import asyncio
import json
import webbrowser
from typing import Annotated, Any
from urllib.parse import quote

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from appgen.cli.client import (
    DEFAULT_DATA_DIR,
    DataDirOption,
    GatewayError,
    KeyOption,
    UrlOption,
    open_gateway,
    resolve_target,
)
from appgen.cli.words import duration, stage_label, usage_text

ProjectArg = Annotated[str, typer.Argument(help="The project id.", show_default=False)]
STATUS_STYLE = {"pending": "dim", "active": "yellow", "done": "green", "failed": "bold red"}


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("open")(open_preview)


def _project(url: str | None, key: str | None, data_dir: Any, project_id: str) -> dict[str, Any]:
    target = resolve_target(url, key, data_dir)

    async def fetch() -> dict[str, Any]:
        async with open_gateway(target) as client:
            state: dict[str, Any] = await client.get(
                f"/api/v1/projects/{quote(project_id, safe='')}"
            )
            return state

    try:
        return asyncio.run(fetch())
    except GatewayError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


def status(
    project_id: ProjectArg,
    json_out: Annotated[bool, typer.Option("--json", help="Print the state as JSON.")] = False,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """A project's state: each stage with its status and time, screens, images, preview."""
    state = _project(url, key, data_dir, project_id)
    if json_out:
        typer.echo(json.dumps(state, indent=2, sort_keys=True))
        return
    console = Console(highlight=False)
    console.print(render(state))
    for line in summary(state):
        # Plain text (a prompt may hold brackets), never wrapped (URLs must stay whole).
        console.print(line, markup=False, soft_wrap=True)


def render(state: dict[str, Any]) -> Table:
    """The stages as a table; tokens and cost appear only when a model was called."""
    by_stage: dict[str, Any] = state.get("usage_by_stage") or {}
    with_usage = any(usage_text(u) for u in by_stage.values())
    name = state.get("name") or state["project_id"]
    table = Table(
        title=escape(f"{name}: {state['status']}, {state['progress']}%"), title_justify="left"
    )
    table.add_column("stage")
    table.add_column("status")
    table.add_column("time", justify="right")
    if with_usage:
        table.add_column("model usage", justify="right")
    for stage, timing in (state.get("stages") or {}).items():
        status_word = str(timing.get("status", "pending"))
        row = [
            escape(stage_label(stage)),
            f"[{STATUS_STYLE.get(status_word, '')}]{status_word}[/]",
            duration(timing.get("duration_ms")),
        ]
        if with_usage:
            row.append(usage_text(by_stage.get(stage)))
        table.add_row(*row)
    return table


def summary(state: dict[str, Any]) -> list[str]:
    lines = []
    if state.get("prompt"):
        lines.append(f"Prompt:  {state['prompt']}")
    screens = [s["title"] for s in state.get("screens") or []]
    total = state.get("screens_total") or len(screens)
    lines.append(f"Screens: {len(screens)}/{total} {', '.join(screens)}".rstrip())
    lines.append(f"Images:  {len(state.get('images') or [])}")
    if state.get("preview_url"):
        lines.append(f"Preview: {state['preview_url']}")
    total_usage = usage_text(state.get("usage"))
    if total_usage:
        lines.append(f"Model:   {total_usage} in total")
    if state.get("status") == "failed":
        lines.append(f"Failed:  {state.get('failure_reason') or 'no reason recorded'}")
    return lines


def open_preview(
    project_id: ProjectArg,
    print_only: Annotated[
        bool, typer.Option("--print", help="Only print the preview's URL; open nothing.")
    ] = False,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Open a project's preview in the web browser."""
    state = _project(url, key, data_dir, project_id)
    preview = state.get("preview_url") or state["links"]["preview_url"]
    if print_only:
        typer.echo(preview)
        return
    if not state.get("preview_url"):
        typer.echo("The preview is not ready yet; it will load as soon as it is.", err=True)
    if not webbrowser.open(preview):
        typer.echo(f"error: no web browser could be started; open {preview}", err=True)
        raise typer.Exit(1)
    typer.echo(f"Opened {preview}")
