"""The keys that sign tokens and preview links, and each project's preview-link generation.

Several keys may be active at once: the newest signs, and every key that is not yet retired
verifies what carries its id. A rotation adds a key and gives the others a retirement time (a
grace period), so what they signed keeps working until then. The `legacy` key is the one secret
of before key ids (migration 0005); tokens and links without an id verify with it.

A project's preview link carries its generation, and only the current one opens the preview:
making a new link (bumping the generation) revokes every older link at once, on every gateway.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from appgen.store.pool import one_statement_each

LEGACY_KID = "legacy"
_ACTIVE = "retire_at IS NULL OR retire_at > now()"
_KEYS = text(
    f"SELECT kid, secret, created_at, retire_at FROM signing_keys WHERE {_ACTIVE} "
    "ORDER BY created_at, kid"
)
# Gateways starting at once must not each add a key of their own.
_LOCK = text("SELECT pg_advisory_xact_lock(7096348211702545201)")
_CURRENT = text("SELECT count(*) FROM signing_keys WHERE retire_at IS NULL")
_INSERT = text("INSERT INTO signing_keys (kid, secret) VALUES (:kid, :secret)")
_RETIRE = text(
    "UPDATE signing_keys SET retire_at = now() + make_interval(secs => :grace) "
    "WHERE kid <> :kid AND (retire_at IS NULL OR retire_at > now() + make_interval(secs => :grace))"
)
# A retired key's secret verifies nothing any more: forget it.
_FORGET = text("DELETE FROM signing_keys WHERE retire_at <= now()")
_GENERATION = text("SELECT generation FROM preview_links WHERE project_id = :project_id")
_GENERATIONS = text("SELECT project_id, generation FROM preview_links")
_BUMP = text(
    "INSERT INTO preview_links (project_id, generation) VALUES (:project_id, 1) "
    "ON CONFLICT (project_id) DO UPDATE SET generation = preview_links.generation + 1, "
    "updated_at = now() RETURNING generation"
)


@dataclass(frozen=True)
class SigningKey:
    """A signing secret and its id; `retire_at` is None while it is current."""

    kid: str
    secret: bytes
    created_at: datetime
    retire_at: datetime | None


def _key(row: object) -> SigningKey:
    return SigningKey(
        kid=row.kid,  # type: ignore[attr-defined]
        secret=bytes(row.secret),  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
        retire_at=row.retire_at,  # type: ignore[attr-defined]
    )


def new_kid() -> str:
    return secrets.token_hex(4)


class SigningKeyStore:
    """The `signing_keys` and `preview_links` tables."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._reads = one_statement_each(engine)

    async def active(self) -> list[SigningKey]:
        """Every key not yet retired, oldest first (so the last one signs)."""
        async with self._reads.connect() as conn:
            return [_key(row) for row in await conn.execute(_KEYS)]

    async def ensure(self) -> list[SigningKey]:
        """The active keys, after adding one if none is current (a new database)."""
        async with self._engine.begin() as conn:
            await conn.execute(_LOCK)
            if not await conn.scalar(_CURRENT):
                await conn.execute(_INSERT, {"kid": new_kid(), "secret": secrets.token_bytes(32)})
        return await self.active()

    async def rotate(self, grace_s: float) -> SigningKey:
        """Add a key that signs from now on; every other key retires `grace_s` from now (or
        sooner, if it was retiring sooner already)."""
        kid = new_kid()
        async with self._engine.begin() as conn:
            await conn.execute(_LOCK)
            await conn.execute(_FORGET)
            await conn.execute(_INSERT, {"kid": kid, "secret": secrets.token_bytes(32)})
            await conn.execute(_RETIRE, {"kid": kid, "grace": float(grace_s)})
        return next(key for key in await self.active() if key.kid == kid)

    async def link_generation(self, project_id: str) -> int:
        """The generation of the project's current preview link (0 until a new one is made)."""
        async with self._reads.connect() as conn:
            value = await conn.scalar(_GENERATION, {"project_id": project_id})
        return int(value or 0)

    async def link_generations(self) -> dict[str, int]:
        """Every project whose link was remade, and its current generation."""
        async with self._reads.connect() as conn:
            return {row.project_id: row.generation for row in await conn.execute(_GENERATIONS)}

    async def new_link_generation(self, project_id: str) -> int:
        """Revoke the project's preview links: the returned generation is the only valid one."""
        async with self._engine.begin() as conn:
            return int((await conn.execute(_BUMP, {"project_id": project_id})).scalar_one())
