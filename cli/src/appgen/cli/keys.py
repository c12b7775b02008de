"""`appgen keys create|list|revoke|rotate-signing`: API keys and the signing keys of tokens and
preview links, straight in the database (no gateway needed).

The database is `--database-url` (or `APPGEN_DATABASE_URL`), else the one a running `appgen up`
in `--data-dir` uses. A key is printed once, when it is made; the store keeps only its hash.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.exc import SQLAlchemyError

from appgen.cli.client import DEFAULT_DATA_DIR, DataDirOption
from appgen.cli.state import read_stack_info
from appgen.store import ApiKey, EventStore, KeyStore, SigningKey, SigningKeyStore
from appgen.store.migrate import upgrade_to_head

T = TypeVar("T")

keys_app = typer.Typer(help="Make, list and revoke API keys.", no_args_is_help=True)

DatabaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="APPGEN_DATABASE_URL",
        help="The event store (default: the one `appgen up` runs from --data-dir).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")


def database_url_for(database_url: str | None, data_dir: Path) -> str:
    if database_url:
        return database_url
    info = read_stack_info(data_dir.expanduser())
    if info is None:
        typer.echo(
            f"error: no database: pass --database-url (or set APPGEN_DATABASE_URL), or run "
            f"`appgen up` with --data-dir {data_dir}",
            err=True,
        )
        raise typer.Exit(2)
    return info.database_url


def _with_keys(database_url: str, action: Callable[[KeyStore], Awaitable[T]]) -> T:
    return _with_engine(database_url, lambda store: action(KeyStore(store.engine)))


def _with_engine(database_url: str, action: Callable[[EventStore], Awaitable[T]]) -> T:
    async def run() -> T:
        store = await EventStore.open(database_url, pool_size=1)
        try:
            return await action(store)
        finally:
            await store.close()

    try:
        # Idempotent: a store made before keys existed gets its tables here.
        upgrade_to_head(database_url)
        return asyncio.run(run())
    except (OSError, ValueError, SQLAlchemyError) as error:
        typer.echo(f"error: the database is not reachable: {error}", err=True)
        raise typer.Exit(1) from None


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "never"


def _row(key: ApiKey) -> str:
    state = f"revoked {_when(key.revoked_at)}" if key.revoked else "active"
    return (
        f"{key.key_id}  {key.name:<24}  created {_when(key.created_at)}  "
        f"last used {_when(key.last_used_at)}  {state}"
    )


@keys_app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="What the key is for.", min=1)],
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Make a key and print it: this is the only time it is shown."""
    if not name.strip() or len(name) > 200:
        raise typer.BadParameter("give a name of 1-200 characters", param_hint="--name")
    made = _with_keys(database_url_for(database_url, data_dir), lambda keys: keys.create(name))
    typer.echo(made.key)
    typer.echo(
        f"key id {made.info.key_id} ({name}); store the key now, it is not shown again", err=True
    )


@keys_app.command("list")
def list_keys(
    database_url: DatabaseUrlOption = None, data_dir: DataDirOption = DEFAULT_DATA_DIR
) -> None:
    """Every key: id, name, when made and last used, and whether revoked (never the key)."""
    keys = _with_keys(database_url_for(database_url, data_dir), lambda store: store.list())
    if not keys:
        typer.echo("no keys yet: `appgen keys create --name NAME` makes one", err=True)
    for key in keys:
        typer.echo(_row(key))


@keys_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key id `appgen keys list` shows.")],
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Revoke a key: it and every token made from it stop working at once."""
    revoked = _with_keys(
        database_url_for(database_url, data_dir), lambda keys: keys.revoke(key_id.strip())
    )
    if revoked is None:
        typer.echo(f"error: no key {key_id!r}; `appgen keys list` shows the ids", err=True)
        raise typer.Exit(1)
    typer.echo(_row(revoked))


def _signing_row(key: SigningKey) -> str:
    state = f"retires {_when(key.retire_at)}" if key.retire_at else "signs"
    return f"{key.kid:<8}  created {_when(key.created_at)}  {state}"


@keys_app.command("rotate-signing")
def rotate_signing(
    grace: Annotated[
        float,
        typer.Option(
            "--grace",
            min=0,
            help="Seconds the older signing keys keep verifying what they signed (tokens, "
            "preview links); then those stop working.",
        ),
    ] = 86_400,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = DEFAULT_DATA_DIR,
) -> None:
    """Add a signing key for tokens and preview links; retire the older ones after --grace.

    Every gateway signs with the new key within APPGEN_SIGNING_REFRESH_S (10 s); keep --grace
    longer than that, and as long as links handed out before should keep working."""
    if os.environ.get("APPGEN_SIGNING_SECRET") or os.environ.get("APPGEN_SIGNING_SECRET_FILE"):
        typer.echo(
            "error: APPGEN_SIGNING_SECRET(_FILE) is set, so the gateways' signing keys are not in "
            "the database: append a new secret to it (the last one signs), restart the gateways, "
            "and remove the old one after the grace period",
            err=True,
        )
        raise typer.Exit(1)

    async def rotate(store: EventStore) -> list[SigningKey]:
        signing = SigningKeyStore(store.engine)
        await signing.rotate(grace)
        return await signing.active()

    for key in _with_engine(database_url_for(database_url, data_dir), rotate):
        typer.echo(_signing_row(key))
