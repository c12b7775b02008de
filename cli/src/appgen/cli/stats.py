"""`appgen stats`: how the system did over a time window, computed by the event store."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from appgen.cli.calls import call_gateway, print_json
from appgen.cli.client import DEFAULT_DATA_DIR, DataDirOption, KeyOption, UrlOption
from appgen.cli.replay import JsonOption

_AGO = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)


def parse_moment(value: str, *, now: datetime) -> datetime:
    """An ISO 8601 time (UTC when it has no offset) or an age such as `90s`, `15m`, `2h`, `7d`."""
    match = _AGO.fullmatch(value.strip())
    if match is not None:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is neither an ISO 8601 time nor an age such as 15m, 2h or 7d"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def stats(
    since: Annotated[
        str, typer.Option("--since", help="Window start: ISO 8601 time or an age (15m, 2h, 7d).")
    ] = "24h",
    until: Annotated[
        str | None,
        typer.Option("--until", help="Window end (default: now).", show_default=False),
    ] = None,
    json_out: JsonOption = False,
    url: UrlOption = None,
    key: KeyOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """p50/p95 time to preview and to completion, completion and failure rates, mean cost per
    project and events per second over a window."""
    now = datetime.now(UTC)
    start = parse_moment(since, now=now)
    end = parse_moment(until, now=now) if until is not None else now
    if end <= start:
        raise typer.BadParameter("the window must end after it starts", param_hint="--until")
    params = {"since": start.isoformat(), "until": end.isoformat()}
    figures = call_gateway(url, key, data_dir, lambda c: c.get("/api/v1/stats", params))
    if json_out:
        print_json(figures)
        return
    _print(figures)


def _print(f: dict[str, Any]) -> None:
    echo = typer.echo
    echo(f"window              {f['since']} → {f['until']}")
    echo(f"projects            {f['projects']}")
    echo(f"completed           {f['completed']}  ({_rate(f['completion_rate'])})")
    echo(f"failed              {f['failed']}  ({_rate(f['failure_rate'])})")
    for name in ("time_to_preview", "time_to_completion"):
        p = f[name]
        echo(
            f"{name.replace('_', ' '):<19} p50 {_s(p['p50_s'])}  p95 {_s(p['p95_s'])}  "
            f"({p['samples']} projects)"
        )
    mean = f["mean_cost_usd"]
    echo(
        f"cost                ${f['total_cost_usd']:.4f} total, "
        + (f"${mean:.4f} per project" if mean is not None else "no projects")
    )
    echo(f"tokens              {f['input_tokens']} in, {f['output_tokens']} out")
    echo(f"events              {f['events']} ({f['events_per_second']:.3f}/s)")


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _s(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
