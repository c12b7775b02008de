"""`appgen generate "PROMPT"`: start a project on a gateway and follow it to the end in the terminal.

Stages stream with a progress bar, screens and images are listed as they land, and the preview's
URL and a QR code for a phone are printed. Exits 0 when the app is complete, 1 with the reason
when generation fails, the prompt is refused or no gateway answers.
"""

from __future__ import annotations

import asyncio
import ipaddress
import sys
import uuid
from typing import Annotated, Any
from urllib.parse import urlsplit

import segno
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

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
from appgen.cli.words import stage_label
from appgen.events import Stage

BACKGROUND = Stage.generating_images.value


def register(app: typer.Typer) -> None:
    app.command("generate")(generate)


def generate(
    prompt: Annotated[str, typer.Argument(help="What the app should be.", show_default=False)],
    qr: Annotated[
        bool, typer.Option("--qr/--no-qr", help="Print a QR code of the preview.")
    ] = True,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Give up after this many seconds.")
    ] = 900,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Generate an app from PROMPT and follow it until it is ready."""
    target = resolve_target(url, key, data_dir)
    # Soft wrap: a URL split over two lines can be neither clicked nor copied.
    console = Console(highlight=False, soft_wrap=True)
    try:
        ok = asyncio.run(asyncio.wait_for(_run(target, prompt, console, qr=qr), timeout))
    except GatewayError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    except TimeoutError:
        typer.echo(f"error: the project did not finish within {timeout:g} s", err=True)
        raise typer.Exit(1) from None
    raise typer.Exit(0 if ok else 1)


async def _run(target: GatewayTarget, prompt: str, console: Console, *, qr: bool) -> bool:
    async with open_gateway(target) as client:
        # A fixed key makes a retried POST (a flaky network) return this project, not a second.
        project = await client.post(
            "/api/v1/projects", {"prompt": prompt}, headers={"Idempotency-Key": str(uuid.uuid4())}
        )
    project_id = str(project["project_id"])
    console.print(f"Project [bold]{project_id}[/]")
    run = _Run(console, preview_url=str(project["preview_url"]))
    with run.progress:

        def reconnecting(since: int, reason: str, attempt: int) -> None:
            run.note(
                f"[yellow]{escape(reason)}; reconnecting from position {since} (attempt {attempt})…"
            )

        async for message in follow_events(target, project_id, on_reconnect=reconnecting):
            run.on_event(message)
    return run.finish(qr=qr)


class _Run:
    """What one generation has shown so far."""

    def __init__(self, console: Console, *, preview_url: str) -> None:
        self.console = console
        self.preview_url = preview_url
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
        )
        self.task = self.progress.add_task("Queued…", total=100)
        self.stage: str | None = None
        self.percent = 0
        self.screens: dict[int, str] = {}
        self.images: dict[str, str] = {}
        self.last: Message | None = None
        self.preview_shown = False

    def note(self, text: str) -> None:
        self.progress.console.print(text)

    def on_event(self, message: Message) -> None:
        self.last = message
        data: dict[str, Any] = message.get("data") or {}
        stage = str(message.get("stage", ""))
        if stage != self.stage and stage != BACKGROUND:
            self.stage = stage
            self.note(f"[bold]>[/] {escape(stage_label(stage))}")
        kind = message.get("event_type")
        if kind == "ScreenAdded" and data.get("index") not in self.screens:
            self.screens[int(data["index"])] = str(data.get("title", ""))
            self.note(
                f"  [green]+[/] screen {escape(str(data.get('title')))} "
                f"({len(self.screens)}/{data.get('total')})"
            )
        elif kind == "ImageGenerated" and data.get("name") not in self.images:
            self.images[str(data["name"])] = str(data.get("purpose", ""))
            self.note(f"  [cyan]+[/] image {escape(str(data.get('name')))}")
        elif kind == "PreviewReady" and not self.preview_shown:
            self.preview_shown = True
            self.note(f"  Preview: {escape(self.preview_url)}")
        elif kind == "StageFailed":
            self.note(f"  [red]![/] {escape(str(data.get('message')))}")
        if message.get("type") == "complete":
            self.percent = 100
        else:
            reported = data.get("progress", message.get("progress"))
            self.percent = max(self.percent, int(reported or 0))
        self.progress.update(
            self.task, completed=self.percent, description=escape(str(data.get("message") or stage))
        )

    def finish(self, *, qr: bool) -> bool:
        last = self.last or {}
        if last.get("event_type") != "ProjectCompleted":
            data = last.get("data") or {}
            reason = data.get("reason") or data.get("message") or "the project did not complete"
            self.console.print(f"[bold red]Generation failed:[/] {escape(str(reason))}")
            return False
        self.console.print(
            f"[bold green]Your app is ready[/]: {len(self.screens)} screens, {len(self.images)} images."
        )
        self.console.print(f"Preview: {escape(self.preview_url)}")
        if qr:
            self.print_qr()
        return True

    def print_qr(self) -> None:
        code = segno.make(self.preview_url, error="m")
        sys.stdout.flush()
        code.terminal(out=sys.stdout, compact=True)
        host = urlsplit(self.preview_url).hostname or ""
        if _is_loopback(host):
            self.console.print(
                "[dim]This address works on this machine only; for a phone on the same network, "
                "run the gateway on 0.0.0.0 (`appgen up --host 0.0.0.0`) or set APPGEN_PUBLIC_URL.[/]"
            )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
