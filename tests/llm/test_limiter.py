"""The endpoint's concurrency limit and the spend ledger hold across separate NATS connections
(as they would across worker processes), on a real nats-server."""

from __future__ import annotations

import asyncio

import pytest

from appgen.events import NatsSettings, open_bus
from appgen.llm import BudgetExceeded, EndpointLimiter, SpendLedger

pytestmark = pytest.mark.integration


async def test_the_limit_holds_across_connections(nats_settings: NatsSettings) -> None:
    async with (
        open_bus(nats_settings, name="worker-a") as a,
        open_bus(nats_settings, name="worker-b") as b,
    ):
        limiters = [
            await EndpointLimiter.open(bus.js, "http://llm.test/v1", limit=2, ttl_s=10)
            for bus in (a, b)
        ]
        other = await EndpointLimiter.open(a.js, "http://other.test/v1", limit=1, ttl_s=10)
        holding = 0
        most = 0

        async def call(limiter: EndpointLimiter) -> None:
            nonlocal holding, most
            async with limiter.slot():
                holding += 1
                most = max(most, holding)
                # Another endpoint's slots are its own.
                async with other.slot():
                    pass
                await asyncio.sleep(0.05)
                holding -= 1

        await asyncio.gather(*(call(limiters[i % 2]) for i in range(10)))
        assert most == 2
        assert await limiters[0].in_use() == 0


async def test_spend_adds_up_across_connections_and_stops_at_the_budget(
    nats_settings: NatsSettings,
) -> None:
    async with (
        open_bus(nats_settings, name="worker-a") as a,
        open_bus(nats_settings, name="worker-b") as b,
    ):
        ledgers = [await SpendLedger.open(bus.js, budget_usd=1.0) for bus in (a, b)]
        await asyncio.gather(*(ledgers[i % 2].add("p1", 0.1) for i in range(20)))
        assert await ledgers[0].spent("p1") == pytest.approx(2.0)
        assert await ledgers[1].spent("p2") == 0.0
        await ledgers[1].check("p2")
        with pytest.raises(BudgetExceeded, match=r"budget of \$1\.0000 is spent"):
            await ledgers[0].check("p1")
