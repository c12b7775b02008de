"""`python -m appgen.native`: each version's Expo web build, and the Expo Go servers' pool."""

from __future__ import annotations

import asyncio

from appgen.events import ConsumerLoop, open_bus
from appgen.events.transport.blobs import BlobStore
from appgen.events.transport.process import run_process
from appgen.native.builder import WebBuilder
from appgen.native.handlers import native_worker
from appgen.native.previews import MetroPool
from appgen.native.settings import Settings


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """The build worker and the pool on one connection, until `stop`."""
    native = settings.native
    builder = WebBuilder(native.expo_cache, check=native.typecheck, timeout=native.build_timeout_s)
    async with open_bus(settings, name="appgen-native") as bus:
        blobs = await BlobStore.open(bus)
        pool = MetroPool(bus, blobs, builder, native)
        loop = ConsumerLoop(bus, native_worker(bus, blobs, builder), settings.consumer)
        await asyncio.gather(loop.run(stop), pool.serve(stop))


def main() -> None:
    settings = Settings()
    run_process("native", settings, lambda stop: serve(settings, stop))


if __name__ == "__main__":
    main()
