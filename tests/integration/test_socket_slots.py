"""A gateway process's WebSockets in the shared limits (`SocketSlots`), on a real PostgreSQL:
closes that come in a crowd are written down together, a close that could not be written is
freed by the next refresh, and a stopping process frees every place it holds."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Collection

import asyncpg
import pytest

from appgen.gateway.slots import SocketSlots
from appgen.store import QuotaStore
from appgen.store.pool import open_engine

pytestmark = pytest.mark.integration

SOCKETS = 300


class CountedQuotas(QuotaStore):
    """The real store, counting its deletes of closed sockets; `failing` makes them fail as a
    database that is away would."""

    failing = False
    deletes: list[int]

    async def close_sockets(self, closed: Collection[uuid.UUID]) -> None:
        self.deletes.append(len(closed))
        if self.failing:
            raise OSError("connection refused")
        await super().close_sockets(closed)


@pytest.fixture
async def quotas(database_url: str) -> AsyncIterator[CountedQuotas]:
    engine = open_engine(database_url, pool_size=5)
    store = CountedQuotas(engine)
    store.deletes = []
    yield store
    await engine.dispose()


def slots_of(quotas: QuotaStore, gateway_id: str) -> SocketSlots:
    return SocketSlots(quotas, gateway_id, per_key=10_000, total=10_000, refresh_s=60)


async def rows(database_url: str, gateway_id: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        count = await conn.fetchval(
            "SELECT count(*) FROM ws_connections WHERE gateway_id = $1", gateway_id
        )
        return int(count)
    finally:
        await conn.close()


async def opened(slots: SocketSlots, count: int) -> list[uuid.UUID]:
    taken = [await slots.take("key") for _ in range(count)]
    assert all(isinstance(t, uuid.UUID) for t in taken)
    return [t for t in taken if isinstance(t, uuid.UUID)]


async def test_sockets_closing_together_are_freed_in_one_statement(
    database_url: str, quotas: CountedQuotas
) -> None:
    slots = slots_of(quotas, "gateway-a")
    connections = await opened(slots, SOCKETS)
    assert await rows(database_url, "gateway-a") == SOCKETS

    for connection in connections:
        slots.give_back(connection)
    await slots.settled()

    assert await rows(database_url, "gateway-a") == 0
    assert quotas.deletes == [SOCKETS]


async def test_a_close_that_could_not_be_written_is_freed_by_the_next_refresh(
    database_url: str, quotas: CountedQuotas
) -> None:
    slots = slots_of(quotas, "gateway-b")
    kept, closed = await opened(slots, 2)
    quotas.failing = True
    slots.give_back(closed)
    await slots.settled()
    assert await rows(database_url, "gateway-b") == 2

    quotas.failing = False
    await slots.refresh()

    assert await rows(database_url, "gateway-b") == 1
    slots.give_back(kept)
    await slots.settled()
    assert await rows(database_url, "gateway-b") == 0


async def test_a_stopping_gateway_frees_its_places_and_no_other_gateways(
    database_url: str, quotas: CountedQuotas
) -> None:
    stopping, staying = slots_of(quotas, "gateway-c"), slots_of(quotas, "gateway-d")
    await opened(stopping, 5)
    await opened(staying, 3)

    await stopping.stop()

    assert await rows(database_url, "gateway-c") == 0
    assert await rows(database_url, "gateway-d") == 3
