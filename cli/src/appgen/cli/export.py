"""`appgen export`: a project's app as a folder on disk, as the web preview serves it or as an
Expo project (SDK 54), at any position; written with the same path safety as `replay --out`."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Annotated

import typer

from appgen.cli.calls import call_gateway
from appgen.cli.client import (
    DEFAULT_DATA_DIR,
    DataDirOption,
    GatewayClient,
    GatewayError,
    KeyOption,
    UrlOption,
)
from appgen.cli.replay import API, AtOption, ProjectArg
from appgen.cli.safe_write import WriteError, target_for, write_under


def register(app: typer.Typer) -> None:
    app.command("export")(export)


def export(
    project_id: ProjectArg,
    out: Annotated[
        Path,
        typer.Option("--out", help="The folder to write the files into.", show_default=False),
    ],
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="web: the files as the preview serves them; expo: an Expo Router project "
            "(TypeScript, Expo SDK 54) to run with `npm install` and `npx expo start`.",
        ),
    ] = "web",
    at: AtOption = None,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Write a project's app into a folder: the web app, or an Expo project (--format expo)."""
    if format not in ("web", "expo"):
        typer.echo(f"error: --format must be web or expo, not {format!r}", err=True)
        raise typer.Exit(2)
    root = out.expanduser().resolve()

    async def run(client: GatewayClient) -> int:
        params: dict[str, str | int] = {"format": format}
        if at is not None:
            params["at"] = at
        response = await client.raw("GET", f"{API}/{project_id}/export", params=params)
        return write_zip(response.content, project_id, root)

    try:
        written = call_gateway(url, key, data_dir, run)
    except WriteError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    where = "" if at is None else f" at position {at}"
    typer.echo(f"wrote {written} files of the {format} app{where} to {out}")
    if format == "expo":
        typer.echo(f"run it: cd {out} && npm install && npx expo start")


def write_zip(data: bytes, project_id: str, root: Path) -> int:
    """The zip's files (all under `project_id/`) written under `root`.

    Every name is checked before anything is written, so a hostile zip writes nothing; raises
    GatewayError for a zip that is not the export's, UnsafePath or WriteError otherwise.
    """
    prefix = f"{project_id}/"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise GatewayError("the gateway's export is not a zip file") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        for member in members:
            if not member.filename.startswith(prefix):
                raise GatewayError(f"the export holds {member.filename!r}, outside {prefix}")
            target_for(root, member.filename.removeprefix(prefix))
        for member in members:
            write_under(root, member.filename.removeprefix(prefix), archive.read(member))
    return len(members)
