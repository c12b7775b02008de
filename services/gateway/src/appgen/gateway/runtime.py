"""The connections a running gateway holds, opened in the app's lifespan and closed after it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from appgen.events import EventBus, open_bus
from appgen.events.blobs import BlobStore
from appgen.gateway.hub import Hub
from appgen.gateway.reader import StreamReader
from appgen.gateway.settings import Settings
from appgen.store import EventStore


@dataclass
class Runtime:
    settings: Settings
    bus: EventBus
    store: EventStore
    blobs: BlobStore
    reader: StreamReader
    hub: Hub


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Connect to NATS and PostgreSQL and start the hub's one live subscription."""
    async with AsyncExitStack() as stack:
        bus = await stack.enter_async_context(open_bus(settings, name="appgen-gateway"))
        store = await EventStore.open(settings.database_url, pool_size=settings.store_pool_size)
        stack.push_async_callback(store.close)
        hub = Hub(bus, buffer=settings.ws_buffer)
        await hub.start()
        stack.push_async_callback(hub.stop)
        yield Runtime(
            settings=settings,
            bus=bus,
            store=store,
            blobs=await BlobStore.open(bus),
            reader=StreamReader(bus),
            hub=hub,
        )
