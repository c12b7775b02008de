"""`appgen resume|fork`: continue a stuck or failed project; branch a project at a position."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from appgen.cli.calls import call_gateway, print_json
from appgen.cli.client import DEFAULT_DATA_DIR, DataDirOption, KeyOption, UrlOption
from appgen.cli.replay import API, AtOption, JsonOption, ProjectArg


def register(app: typer.Typer) -> None:
    app.command("resume")(resume)
    app.command("fork")(fork)


def resume(
    project_id: ProjectArg,
    json_out: JsonOption = False,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Continue a failed or stuck project where it stopped; finished stages are not redone."""
    answer = call_gateway(url, key, data_dir, lambda c: c.post(f"{API}/{project_id}/resume"))
    if json_out:
        print_json(answer)
        return
    redo = ", ".join(answer["redo"])
    typer.echo(f"resumed {project_id} at position {answer['position']}: redoing {redo}")


def fork(
    project_id: ProjectArg,
    at: AtOption = None,
    prompt: Annotated[
        str | None,
        typer.Option("--prompt", help="A changed prompt for the fork.", show_default=False),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", help="A language model for the stages still to run.", show_default=False
        ),
    ] = None,
    new_id: Annotated[
        str | None,
        typer.Option("--id", help="The fork's own id (retries reuse it).", show_default=False),
    ] = None,
    json_out: JsonOption = False,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Start a new project from this one's history up to a position; it continues from there."""
    body: dict[str, Any] = {
        name: value
        for name, value in (("prompt", prompt), ("model", model), ("project_id", new_id))
        if value is not None
    }
    params = {} if at is None else {"at": at}
    answer = call_gateway(
        url, key, data_dir, lambda c: c.post(f"{API}/{project_id}/fork", body, params=params)
    )
    if json_out:
        print_json(answer)
        return
    typer.echo(
        f"forked {project_id} at position {answer['source_position']} into "
        f"{answer['project_id']} ({answer['copied']} events copied)"
    )
