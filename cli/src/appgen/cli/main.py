"""The `appgen` command: one typer app, each command group registered from its own module."""

from __future__ import annotations

import typer

from appgen.cli import edit, export, generate, keys, recovery, replay, stats, status, up

app = typer.Typer(
    name="appgen",
    help="appgen: describe an app, get a working one.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One module per command (group); each adds itself with `register(app)`.
for register in (up.register, keys.register):
    register(app)
# Generate, follow and open projects from a terminal (README, "The terminal client").
for register in (generate.register, edit.register, status.register):
    register(app)
# Replay, time travel, resume, fork and stats (docs/replay.md); export (docs/expo.md).
for register in (replay.register, recovery.register, stats.register, export.register):
    register(app)


@app.callback()
def _root() -> None:
    """appgen: describe an app, get a working one."""


def main() -> None:
    """The `appgen` console script."""
    app()
