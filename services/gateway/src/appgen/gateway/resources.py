"""The connections a running gateway holds, opened in the app's lifespan and closed after it."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from appgen.events import Event, EventBus, StreamLog, open_bus
from appgen.events.transport.blobs import BlobStore
from appgen.gateway import redact
from appgen.gateway.feed import Feed
from appgen.gateway.hub import Hub
from appgen.gateway.keyring import Keyring
from appgen.gateway.messages import FeedItem, ItemMaker
from appgen.gateway.revocations import end_revoked_streams
from appgen.gateway.settings import Settings
from appgen.gateway.slots import SocketSlots
from appgen.gateway.throttle import FailureThrottle
from appgen.gateway.tokens import Signer
from appgen.store import EventStore, KeyStore, QuotaStore, SigningKeyStore, StoredLog


@dataclass
class Resources:
    """What one gateway process holds for its whole life: connections, stores, the hub, keys."""

    settings: Settings
    bus: EventBus
    store: EventStore
    # Every read of a project's history goes through this one port (`appgen.events.read.log`).
    log: StoredLog
    blobs: BlobStore
    # Makes the message a client receives for an event.
    items: ItemMaker
    hub: Hub
    keys: KeyStore
    quotas: QuotaStore
    signer: Signer
    # Loads the signing keys and link generations into `signer`, and keeps them current.
    keyring: Keyring
    # Failed key and token presentations per client address, in this process.
    throttle: FailureThrottle
    # Names this process's rows in the shared WebSocket count.
    gateway_id: str
    # This process's WebSockets in that count.
    ws_slots: SocketSlots

    def feed(
        self,
        project_id: str,
        since: int,
        *,
        idle_s: float | None = None,
        key_id: str | None = None,
    ) -> Feed:
        """One client's feed of the project's events after `since` (see `Feed`); `key_id`'s
        revocation ends it (`revocations.py`)."""
        return Feed(
            log=self.log,
            items=self.items,
            hub=self.hub,
            project_id=project_id,
            since=since,
            page=self.settings.history_page,
            idle_s=idle_s,
            key_id=key_id,
        )


@dataclass(frozen=True)
class _Items:
    """Builds feed items whose `preview_url` is the project's signed preview link."""

    signer: Signer

    def __call__(self, position: int, event: Event) -> FeedItem:
        return FeedItem(position, event, preview_path=self.signer.preview_path(event.project_id))


@asynccontextmanager
async def open_resources(settings: Settings) -> AsyncIterator[Resources]:
    """Connect to NATS and PostgreSQL and start the hub's one live subscription."""
    async with AsyncExitStack() as stack:
        bus = await stack.enter_async_context(open_bus(settings, name="appgen-gateway"))
        store = await EventStore.open(settings.database_url, pool_size=settings.store_pool_size)
        stack.push_async_callback(store.close)
        keys = KeyStore(store.engine)
        quotas = QuotaStore(store.engine)
        redact.install()
        keyring = Keyring(SigningKeyStore(store.engine), settings)
        await keyring.load()
        signer = keyring.signer
        items = _Items(signer)
        hub = Hub(bus, buffer=settings.ws_buffer, item=items)
        await hub.start()
        stack.push_async_callback(hub.stop)
        gateway_id = uuid.uuid4().hex
        ws_slots = SocketSlots(
            quotas,
            gateway_id,
            per_key=settings.max_ws_per_key,
            total=settings.max_ws_total,
            refresh_s=settings.ws_refresh_s,
        )
        # Runs after the refreshers stop (the stack unwinds last in, first out) and before the
        # store's pool closes: by then uvicorn has closed every socket.
        stack.push_async_callback(ws_slots.stop)
        refreshers = [
            asyncio.create_task(ws_slots.keep_fresh()),
            asyncio.create_task(keyring.keep_fresh()),
            asyncio.create_task(
                end_revoked_streams(hub, keys, every_s=settings.revocation_check_s)
            ),
        ]

        async def stop_refreshing() -> None:
            for refresher in refreshers:
                refresher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await refresher

        stack.push_async_callback(stop_refreshing)
        yield Resources(
            settings=settings,
            bus=bus,
            store=store,
            log=StoredLog(store, StreamLog(bus.nc, bus.settings)),
            blobs=await BlobStore.open(bus),
            items=items,
            hub=hub,
            keys=keys,
            quotas=quotas,
            signer=signer,
            keyring=keyring,
            throttle=FailureThrottle(settings.max_auth_failures, settings.auth_failure_window_s),
            gateway_id=gateway_id,
            ws_slots=ws_slots,
        )
