"""Revoking a key ends what it already opened: its WebSockets and event streams, on every gateway.

Each gateway process asks PostgreSQL, every `APPGEN_REVOCATION_CHECK_S` (2 s), which of the keys
with a live stream open here are revoked, and ends those streams: a WebSocket closes with 1008
and the reason, an SSE stream sends `event: close` with it and ends. Asking for the keys that
matter here, rather than hearing of revocations, means a revocation made while a gateway was
cut off from the database still bites once it is back.
"""

from __future__ import annotations

import asyncio
import logging

from appgen.gateway.hub import Hub
from appgen.store.keys import KeyStore

log = logging.getLogger(__name__)

REVOKED = "unauthorized: the key was revoked"


async def end_revoked_streams(hub: Hub, keys: KeyStore, *, every_s: float) -> None:
    while True:
        await asyncio.sleep(every_s)
        open_keys = hub.open_keys()
        if not open_keys:
            continue
        try:
            revoked = await keys.revoked_among(open_keys)
        except Exception as error:
            # The database is away: the check runs again when it is back.
            log.warning("could not check for revoked keys: %s", error)
            continue
        for key_id in revoked:
            ended = hub.close_key(key_id, REVOKED)
            log.info("key %s is revoked: ended its %d open streams", key_id, ended)
