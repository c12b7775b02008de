"""Database URLs: callers pass asyncpg's `postgresql://`; SQLAlchemy wants its driver named."""

from __future__ import annotations

_SCHEMES = ("postgresql://", "postgres://", "postgresql+asyncpg://")


def sqlalchemy_url(url: str) -> str:
    """`postgresql+asyncpg://…` for any PostgreSQL URL (TCP or `?host=/socket/dir`)."""
    for scheme in _SCHEMES:
        if url.startswith(scheme):
            return "postgresql+asyncpg://" + url[len(scheme) :]
    raise ValueError(f"not a PostgreSQL URL: {url.split('@')[-1]!r}")
