"""The limits' check-and-count on a real PostgreSQL: many admissions at once, from two gateway
processes' pools, never take more places than there are, and they queue on the same named locks
the previous version's transactions take, so both versions can run side by side."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager

import asyncpg
import pytest

from appgen.store import QuotaStore, Refusal
from appgen.store.pool import open_engine

pytestmark = pytest.mark.integration

ASKS = 20
WAIT_S = 10.0


@asynccontextmanager
async def two_gateways(database_url: str) -> AsyncIterator[tuple[QuotaStore, QuotaStore]]:
    engines = [open_engine(database_url, pool_size=10) for _ in range(2)]
    try:
        yield QuotaStore(engines[0]), QuotaStore(engines[1])
    finally:
        for engine in engines:
            await engine.dispose()


@asynccontextmanager
async def holding(database_url: str, name: str) -> AsyncIterator[None]:
    """The advisory lock `name`, as a previous version's transaction holds it while it counts."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("SELECT pg_advisory_lock(hashtext($1))", name)
        yield
        await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", name)
    finally:
        await conn.close()


async def admitted_while_locked(
    database_url: str, lock: str, asks: Sequence[Awaitable[Refusal | None]]
) -> list[Refusal | None]:
    """Start every ask while `lock` is held elsewhere; none may finish until it is let go."""
    async with holding(database_url, lock):
        tasks = [asyncio.ensure_future(ask) for ask in asks]
        done, _ = await asyncio.wait(tasks, timeout=0.5)
        assert not done, "an admission did not wait for the lock"
    return list(await asyncio.wait_for(asyncio.gather(*tasks), WAIT_S))


async def test_sockets_at_once_never_take_more_places_than_the_key_has(database_url: str) -> None:
    async with two_gateways(database_url) as (one, two):
        asks = [
            (one if n % 2 else two).open_socket(
                uuid.uuid4(), "alice", f"gateway-{n % 2}", per_key=5, total=100, stale_s=60
            )
            for n in range(ASKS)
        ]
        results = await admitted_while_locked(database_url, "ws_connections", asks)
    assert results.count(None) == 5
    refusals = [r for r in results if r is not None]
    assert {r.limit for r in refusals} == {"websockets_per_key"}
    assert "5 connections" in refusals[0].detail


async def test_sockets_at_once_never_pass_the_total(database_url: str) -> None:
    async with two_gateways(database_url) as (one, two):
        asks = [
            (one if n % 2 else two).open_socket(
                uuid.uuid4(), f"key-{n}", "gateway", per_key=5, total=7, stale_s=60
            )
            for n in range(ASKS)
        ]
        results = await admitted_while_locked(database_url, "ws_connections", asks)
    assert results.count(None) == 7
    assert {r.limit for r in results if r is not None} == {"websockets_total"}


async def test_starts_at_once_never_pass_the_concurrent_limit(database_url: str) -> None:
    async with two_gateways(database_url) as (one, two):
        asks = [
            (one if n % 2 else two).start_generation(
                "alice", f"project-{n}", start_id=uuid.uuid4(), per_hour=100, concurrent=3
            )
            for n in range(ASKS)
        ]
        results = await admitted_while_locked(database_url, "generations:alice", asks)
    assert results.count(None) == 3
    refusals = [r for r in results if r is not None]
    assert {r.limit for r in refusals} == {"concurrent_generations"}
    assert "3 generations running" in refusals[0].detail


async def test_starts_at_once_never_pass_the_hourly_limit_and_a_retry_counts_once(
    database_url: str,
) -> None:
    retried = uuid.uuid4()
    async with two_gateways(database_url) as (one, two):
        assert (
            await one.start_generation("bob", "same", start_id=retried, per_hour=4, concurrent=100)
            is None
        )
        # Its retry (the same start asked again) is the same start, admitted among the others.
        asks = [
            two.start_generation("bob", "same", start_id=retried, per_hour=4, concurrent=100)
        ] + [
            (one if n % 2 else two).start_generation(
                "bob", f"project-{n}", start_id=uuid.uuid4(), per_hour=4, concurrent=100
            )
            for n in range(ASKS)
        ]
        results = await admitted_while_locked(database_url, "generations:bob", asks)
        assert results[0] is None
        assert results.count(None) == 1 + 3
        refusals = [r for r in results if r is not None]
        assert {r.limit for r in refusals} == {"generations_per_hour"}
        assert 1 <= refusals[0].retry_after_s <= 3601
        # Another key is untouched.
        assert (
            await one.start_generation(
                "carol", "p", start_id=uuid.uuid4(), per_hour=4, concurrent=100
            )
            is None
        )


async def test_a_closed_socket_frees_its_place(database_url: str) -> None:
    async with two_gateways(database_url) as (one, two):
        first, second = uuid.uuid4(), uuid.uuid4()
        assert await one.open_socket(first, "dan", "a", per_key=1, total=10, stale_s=60) is None
        refused = await two.open_socket(second, "dan", "b", per_key=1, total=10, stale_s=60)
        assert refused is not None
        assert refused.limit == "websockets_per_key"
        await one.close_sockets([first])
        assert await two.open_socket(second, "dan", "b", per_key=1, total=10, stale_s=60) is None
