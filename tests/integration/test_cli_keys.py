"""`appgen keys create|list|revoke` against a real database, and the local key `appgen up` makes."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appgen.cli.localkey import ensure_local_key
from appgen.cli.main import app
from appgen.store import EventStore, KeyStore

pytestmark = pytest.mark.integration


async def verified(database_url: str, key: str) -> bool:
    store = await EventStore.open(database_url, pool_size=1)
    try:
        return await KeyStore(store.engine).verify(key) is not None
    finally:
        await store.close()


def test_keys_create_list_revoke(database_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    where = ["--database-url", database_url]
    made = runner.invoke(app, ["keys", "create", "--name", "ci", *where])
    assert made.exit_code == 0, made.output
    key = made.stdout.strip().splitlines()[0]
    assert key.startswith("appgen_")
    assert asyncio.run(verified(database_url, key))
    key_id = key.split("_")[1]

    listed = runner.invoke(app, ["keys", "list", *where])
    assert listed.exit_code == 0
    assert f"{key_id}  ci" in listed.stdout
    assert "active" in listed.stdout
    assert key not in listed.stdout  # never the key itself

    revoked = runner.invoke(app, ["keys", "revoke", key_id, *where])
    assert revoked.exit_code == 0
    assert "revoked" in revoked.stdout
    assert not asyncio.run(verified(database_url, key))

    unknown = runner.invoke(app, ["keys", "revoke", "000000000000", *where])
    assert unknown.exit_code == 1
    assert "no key" in unknown.output
    nowhere = runner.invoke(app, ["keys", "list", "--data-dir", str(tmp_path)], env={})
    assert nowhere.exit_code == 2
    assert "--database-url" in nowhere.output


def test_the_local_key_is_private_and_reused_while_valid(database_url: str, tmp_path: Path) -> None:
    key, new = asyncio.run(ensure_local_key(database_url, tmp_path))
    path = tmp_path / "local-key"
    assert new
    assert path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, new_again = asyncio.run(ensure_local_key(database_url, tmp_path))
    assert (again, new_again) == (key, False)
    path.write_text("appgen_000000000000_" + "A" * 43)
    replaced, made = asyncio.run(ensure_local_key(database_url, tmp_path))
    assert made
    assert replaced != key
