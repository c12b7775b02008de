"""`appgen events|replay|diff`: a project's history, and its state and files at any position.

Everything comes from a running gateway (folded from the events by `appgen.events.read.projection`);
nothing is computed from a local copy.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from appgen.cli.calls import call_gateway, print_json
from appgen.cli.client import (
    DEFAULT_DATA_DIR,
    DataDirOption,
    GatewayClient,
    GatewayError,
    KeyOption,
    UrlOption,
)
from appgen.cli.safe_write import WriteError, target_for, write_under

API = "/api/v1/projects"
PAGE = 1000

ProjectArg = Annotated[str, typer.Argument(help="The project id.", show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
AtOption = Annotated[
    int | None,
    typer.Option(
        "--at", min=0, help="The position to look at (default: the newest).", show_default=False
    ),
]


def register(app: typer.Typer) -> None:
    app.command("events")(events)
    app.command("replay")(replay)
    app.command("diff")(diff)


def events(
    project_id: ProjectArg,
    json_out: JsonOption = False,
    since: Annotated[
        int, typer.Option("--since", min=0, help="Only events after this position.")
    ] = 0,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """A project's events in order: position, time, type, stage, service, attempt, duration, cost."""
    items = call_gateway(url, key, data_dir, lambda c: all_events(c, project_id, since))
    if json_out:
        print_json(items)
        return
    table = Table(title=f"{project_id}: {len(items)} events", title_justify="left")
    for column in ("position", "time", "type", "stage", "service", "attempt", "duration", "cost"):
        table.add_column(column, justify="right" if column in _NUMERIC else "left")
    for item in items:
        meta = item.get("metadata") or {}
        table.add_row(
            str(item["position"]),
            item["occurred_at"][11:23],
            item["event_type"],
            item["stage"],
            str(meta.get("service", "")),
            str(meta.get("attempt", "")),
            _ms(meta.get("handler_ms")),
            _cost(meta.get("model_calls") or []),
        )
    Console(width=140).print(table)


_NUMERIC = {"position", "attempt", "duration", "cost"}


async def all_events(
    client: GatewayClient, project_id: str, since: int = 0
) -> list[dict[str, Any]]:
    """Every event message after `since`, page by page."""
    items: list[dict[str, Any]] = []
    cursor: int | None = since
    while cursor is not None:
        page = await client.get(f"{API}/{project_id}/events", {"since": cursor, "limit": PAGE})
        items.extend(page["items"])
        cursor = page["next_since"]
    return items


def replay(
    project_id: ProjectArg,
    at: AtOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write the files as they stood into this folder.", show_default=False
        ),
    ] = None,
    json_out: JsonOption = False,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """The project's state and file tree as they were at a position, folded from its events."""

    root = None if out is None else out.expanduser().resolve()

    async def run(client: GatewayClient) -> tuple[dict[str, Any], dict[str, Any], int]:
        params = {} if at is None else {"at": at}
        state = await client.get(f"{API}/{project_id}", params)
        tree = await client.get(f"{API}/{project_id}/files", params)
        written = 0 if root is None else await write_files(client, tree["files"], root)
        return state, tree, written

    try:
        state, tree, written = call_gateway(url, key, data_dir, run)
    except WriteError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    if json_out:
        print_json({"state": state, "files": tree})
        return
    _print_state(state, tree)
    if out is not None:
        typer.echo(f"wrote {written} files to {out}")


def _print_state(state: dict[str, Any], tree: dict[str, Any]) -> None:
    echo = typer.echo
    echo(f"project   {state['project_id']}  at position {state['last_position']}")
    echo(f"name      {state.get('name') or '-'}")
    echo(f"status    {state['status']}  stage {state['stage']}  {state['progress']}%")
    if state.get("failure_reason"):
        echo(f"failure   {state['failure_reason']}")
    origin = state.get("forked_from")
    if origin:
        model = f" with model {origin['model']}" if origin.get("model") else ""
        echo(f"forked    from {origin['project_id']} at position {origin['position']}{model}")
    if state.get("resumes"):
        echo(f"resumed   {state['resumes']} time(s)")
    echo(f"events    {state['event_count']}")
    screens = ", ".join(s["route"] for s in state.get("screens", [])) or "-"
    echo(f"screens   {screens}")
    echo(f"images    {len(state.get('images', []))}")
    for name, timing in state.get("stages", {}).items():
        if timing["status"] != "pending":
            echo(f"  {name:<20} {timing['status']:<7} {_ms(timing.get('duration_ms'))}")
    echo(f"files     {len(tree['files'])}")
    for entry in tree["files"]:
        echo(f"  {entry['path']:<40} {entry['size']:>9}  {entry['sha256'][:12]}")


async def write_files(client: GatewayClient, files: list[dict[str, Any]], root: Path) -> int:
    """Each file's content at the position, written under `root` (`appgen.cli.safe_write`).

    Every path is checked before anything is fetched, so a hostile listing writes nothing;
    content that does not match its hash is refused (GatewayError), a path that would leave
    `root` raises UnsafePath, a failed write WriteError.
    """
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise GatewayError(f"the gateway listed a file without a path: {entry!r:.200}")
        target_for(root, entry["path"])
    for entry in files:
        path = entry["path"]
        response = await client.raw("GET", entry["url"])
        if hashlib.sha256(response.content).hexdigest() != entry["sha256"]:
            raise GatewayError(f"{path}: the content served does not match its recorded hash")
        write_under(root, path, response.content)
    return len(files)


def diff(
    project_id: ProjectArg,
    first: Annotated[int, typer.Argument(min=0, help="The earlier position.", show_default=False)],
    second: Annotated[int, typer.Argument(min=0, help="The later position.", show_default=False)],
    json_out: JsonOption = False,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Files added, changed and removed between two positions."""

    async def run(client: GatewayClient) -> tuple[dict[str, str], dict[str, str]]:
        before = await client.get(f"{API}/{project_id}/files", {"at": first})
        after = await client.get(f"{API}/{project_id}/files", {"at": second})
        return _hashes(before), _hashes(after)

    before, after = call_gateway(url, key, data_dir, run)
    changes = {
        "added": sorted(after.keys() - before.keys()),
        "changed": sorted(p for p in after.keys() & before.keys() if after[p] != before[p]),
        "removed": sorted(before.keys() - after.keys()),
    }
    if json_out:
        print_json({"project_id": project_id, "from": first, "to": second, **changes})
        return
    for sign, name in (("+", "added"), ("~", "changed"), ("-", "removed")):
        for path in changes[name]:
            typer.echo(f"{sign} {path}")
    counts = ", ".join(f"{len(changes[n])} {n}" for n in changes)
    typer.echo(f"{first} → {second}: {counts}")


def _hashes(tree: dict[str, Any]) -> dict[str, str]:
    return {entry["path"]: entry["sha256"] for entry in tree["files"]}


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f} ms" if value < 1000 else f"{value / 1000:.2f} s"


def _cost(calls: list[dict[str, Any]]) -> str:
    if not calls:
        return "-"
    return f"${sum(float(c.get('cost_usd', 0)) for c in calls):.4f}"
