"""The local key `appgen up` makes: kept in `<data-dir>/local-key`, readable by its owner only.

The CLI reads it (`appgen.cli.client.resolve_target`) and the gateway hands the page on this
machine a short-lived token for it, so a new user never has to deal with keys.
"""

from __future__ import annotations

import os
from pathlib import Path

from appgen.cli.client import LOCAL_KEY_FILE
from appgen.store import EventStore, KeyStore

LOCAL_KEY_NAME = "local (appgen up)"


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 0600, never readable by others even for an instant."""
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


async def ensure_local_key(database_url: str, data_dir: Path) -> tuple[str, bool]:
    """The local key (reused while it is valid, else a new one); and whether it is new."""
    path = data_dir / LOCAL_KEY_FILE
    store = await EventStore.open(database_url, pool_size=1)
    try:
        keys = KeyStore(store.engine)
        try:
            existing = path.read_text().strip()
        except OSError:
            existing = ""
        if existing and await keys.verify(existing) is not None:
            os.chmod(path, 0o600)
            return existing, False
        made = await keys.create(LOCAL_KEY_NAME)
    finally:
        await store.close()
    write_private(path, made.key + "\n")
    return made.key, True
