"""Where the signing keys come from, and how every gateway process comes to agree on them.

By default the keys live in PostgreSQL (`signing_keys`): each process loads them at start, again
every `APPGEN_SIGNING_REFRESH_S`, and at once when a token or link names a key it does not know
(at most once a second), so a rotation reaches every process without a restart. An operator who
wants no signing secret in the database (or its backups) sets `APPGEN_SIGNING_SECRET` or
`APPGEN_SIGNING_SECRET_FILE`: whitespace-separated secrets, oldest first, the last one signs;
each one's id is derived from it, and the database's keys are then not used at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from appgen.gateway.settings import Settings
from appgen.gateway.tokens import Signer
from appgen.store import SigningKey, SigningKeyStore

log = logging.getLogger(__name__)
_MIN_SECRET_CHARS = 32
_RELOAD_EVERY_S = 1.0


class BadSigningSecret(ValueError):
    """`APPGEN_SIGNING_SECRET(_FILE)` is unreadable or too short to be a secret."""


def configured_keys(settings: Settings) -> list[SigningKey] | None:
    """The keys the environment names, or None when the database holds them."""
    if settings.signing_secret is not None:
        text = settings.signing_secret.get_secret_value()
    elif settings.signing_secret_file is not None:
        try:
            text = settings.signing_secret_file.read_text()
        except OSError as error:
            raise BadSigningSecret(f"cannot read APPGEN_SIGNING_SECRET_FILE: {error}") from None
    else:
        return None
    secrets = text.split()
    if not secrets or any(len(secret) < _MIN_SECRET_CHARS for secret in secrets):
        raise BadSigningSecret(
            f"each signing secret must have at least {_MIN_SECRET_CHARS} characters "
            "(e.g. `openssl rand -base64 32`)"
        )
    start = datetime.fromtimestamp(0, UTC)
    return [
        SigningKey(
            kid="e" + hashlib.sha256(b"appgen-kid:" + secret.encode()).hexdigest()[:7],
            secret=secret.encode(),
            created_at=start.replace(microsecond=index),
            retire_at=None,
        )
        for index, secret in enumerate(secrets)
    ]


class Keyring:
    """Keeps a `Signer` current with the key set and the projects' link generations."""

    def __init__(self, store: SigningKeyStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.fixed = configured_keys(settings)
        self.signer = Signer(self.fixed or [], link_ttl_s=settings.preview_link_ttl)
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def load(self) -> None:
        """Load (making a first key in a new database) the keys and the link generations."""
        keys = self.fixed if self.fixed is not None else await self.store.ensure()
        self.signer.use(keys, await self.store.link_generations())
        self._loaded_at = time.monotonic()

    async def reload_for(self, kid: str | None) -> None:
        """Reload when `kid` is unknown here (a rotation elsewhere), at most once a second: a
        request that meets it just after a reload waits out the rest of that second rather than
        being refused for a key made a moment ago."""
        if kid is None or self.signer.knows(kid) or self.fixed is not None:
            return
        async with self._lock:
            if self.signer.knows(kid):
                return
            wait = _RELOAD_EVERY_S - (time.monotonic() - self._loaded_at)
            if wait > 0:
                await asyncio.sleep(wait)
            await self.load()

    async def new_link(self, project_id: str) -> int:
        """Revoke the project's preview links; the new generation signs from now on."""
        generation = await self.store.new_link_generation(project_id)
        self.signer.set_generation(project_id, generation)
        return generation

    async def refresh_link(self, project_id: str) -> None:
        """Learn the project's current link generation (another process may have moved it)."""
        self.signer.set_generation(project_id, await self.store.link_generation(project_id))

    async def keep_fresh(self) -> None:
        """Reload every `signing_refresh_s` until cancelled; a failed reload keeps the old set."""
        while True:
            await asyncio.sleep(self.settings.signing_refresh_s)
            try:
                await self.load()
            except (OSError, SQLAlchemyError) as error:
                log.warning("could not reload the signing keys: %s", error)
