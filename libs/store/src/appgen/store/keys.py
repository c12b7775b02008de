"""API keys: made here, shown once, kept only as a hash; and the secrets gateways share.

A key reads `appgen_<key id>_<secret>`. The key id is not secret: it finds the row, and it is
what a project's `owner` records. The secret has 256 random bits, so a plain SHA-256 is a safe
hash (a slow password hash guards low-entropy secrets, which these are not); the comparison is
`hmac.compare_digest`, so timing says nothing about how much of a guess was right.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from appgen.store.pool import one_statement_each

PREFIX = "appgen_"
_KEY = re.compile(r"^appgen_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
# How stale `last_used_at` may get before a use writes it again: one write a minute, not a request.
TOUCH_EVERY_S = 60

_COLUMNS = "key_id, name, created_at, last_used_at, revoked_at"
_INSERT = text(
    f"INSERT INTO api_keys (key_id, name, key_hash) VALUES (:key_id, :name, :key_hash) "
    f"RETURNING {_COLUMNS}"
)
_LIST = text(f"SELECT {_COLUMNS} FROM api_keys ORDER BY created_at, key_id")
_GET = text(f"SELECT {_COLUMNS}, key_hash FROM api_keys WHERE key_id = :key_id")
_REVOKE = text(
    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE key_id = :key_id "
    f"RETURNING {_COLUMNS}"
)
_LIVE_AMONG = text(
    "SELECT key_id FROM api_keys WHERE key_id = ANY(:key_ids) AND revoked_at IS NULL"
)
_TOUCH = text(
    "UPDATE api_keys SET last_used_at = now() WHERE key_id = :key_id AND "
    f"(last_used_at IS NULL OR last_used_at < now() - interval '{TOUCH_EVERY_S} seconds')"
)
_MAKE_SECRET = text(
    "INSERT INTO gateway_secrets (name, secret) VALUES (:name, :secret) "
    "ON CONFLICT (name) DO NOTHING"
)
_SECRET = text("SELECT secret FROM gateway_secrets WHERE name = :name")


@dataclass(frozen=True)
class ApiKey:
    """What the store knows of a key: never the key itself."""

    key_id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class NewKey:
    """A key just made: `key` is the only time the secret exists outside its holder."""

    key: str
    info: ApiKey


def key_id_of(key: str) -> str | None:
    """The key id a well-formed key carries, or None."""
    match = _KEY.fullmatch(key)
    return match.group(1) if match else None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _age_s(moment: datetime) -> float:
    return (datetime.now(UTC) - moment).total_seconds()


def _api_key(row: object) -> ApiKey:
    return ApiKey(
        key_id=row.key_id,  # type: ignore[attr-defined]
        name=row.name,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
        last_used_at=row.last_used_at,  # type: ignore[attr-defined]
        revoked_at=row.revoked_at,  # type: ignore[attr-defined]
    )


class KeyStore:
    """The `api_keys` and `gateway_secrets` tables."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._reads = one_statement_each(engine)

    async def create(self, name: str) -> NewKey:
        key_id = secrets.token_hex(6)
        key = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        async with self._engine.begin() as conn:
            row = (
                await conn.execute(
                    _INSERT, {"key_id": key_id, "name": name, "key_hash": hash_key(key)}
                )
            ).one()
        return NewKey(key=key, info=_api_key(row))

    async def list(self) -> list[ApiKey]:
        async with self._reads.connect() as conn:
            return [_api_key(row) for row in await conn.execute(_LIST)]

    async def get(self, key_id: str) -> ApiKey | None:
        async with self._reads.connect() as conn:
            row = (await conn.execute(_GET, {"key_id": key_id})).one_or_none()
        return None if row is None else _api_key(row)

    async def revoke(self, key_id: str) -> ApiKey | None:
        """Revoke a key (again is a no-op); None when there is no such key."""
        async with self._engine.begin() as conn:
            row = (await conn.execute(_REVOKE, {"key_id": key_id})).one_or_none()
        return None if row is None else _api_key(row)

    async def revoked_among(self, key_ids: Iterable[str]) -> set[str]:
        """Which of `key_ids` are revoked (or gone): what open streams must end for."""
        wanted = sorted(set(key_ids))
        if not wanted:
            return set()
        async with self._reads.connect() as conn:
            live = {row.key_id for row in await conn.execute(_LIVE_AMONG, {"key_ids": wanted})}
        return set(wanted) - live

    async def verify(self, key: str) -> ApiKey | None:
        """The live key `key` is, or None (malformed, unknown, wrong secret or revoked)."""
        key_id = key_id_of(key)
        if key_id is None:
            return None
        async with self._reads.connect() as conn:
            row = (await conn.execute(_GET, {"key_id": key_id})).one_or_none()
        # Hash and compare even for an unknown id, so its timing matches a wrong secret's.
        stored = row.key_hash if row is not None else "0" * 64
        if not hmac.compare_digest(hash_key(key), stored) or row is None:
            return None
        info = _api_key(row)
        if info.revoked:
            return None
        if info.last_used_at is None or _age_s(info.last_used_at) > TOUCH_EVERY_S:
            await self.touch(key_id)
        return info

    async def touch(self, key_id: str) -> None:
        """Record a use (at most one write per key per minute)."""
        async with self._engine.begin() as conn:
            await conn.execute(_TOUCH, {"key_id": key_id})

    async def shared_secret(self, name: str) -> bytes:
        """A random 32-byte secret under `name`, the same for every process on this database."""
        async with self._engine.begin() as conn:
            await conn.execute(_MAKE_SECRET, {"name": name, "secret": secrets.token_bytes(32)})
            value = await conn.scalar(_SECRET, {"name": name})
        return bytes(value)
