"""`python -m appgen.gateway`: serve the gateway with uvicorn on the configured host and port."""

from __future__ import annotations

import contextlib
from types import FrameType

import uvicorn
from fastapi import FastAPI

from appgen.events.transport.logs import configure_logging
from appgen.gateway.app import create_app
from appgen.gateway.hub import SHUTDOWN
from appgen.gateway.resources import Resources
from appgen.gateway.settings import Settings


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Tell every open socket why it is closing (1001) before uvicorn drops connections.
        resources: Resources | None = getattr(self._app.state, "resources", None)
        if resources is not None:
            resources.hub.close_all(SHUTDOWN)
        super().handle_exit(sig, frame)


def main() -> None:
    settings = Settings()
    configure_logging("gateway", level=settings.log_level, json_lines=settings.log_json)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.gateway_host,
        port=settings.gateway_port,
        ws_ping_interval=settings.heartbeat_s,
        ws_ping_timeout=settings.heartbeat_s,
        # Progress messages are a few KB of JSON: per-message deflate would cost each socket
        # about 45 KB of zlib state and each delivery a compression of its own.
        ws_per_message_deflate=False,
        # The one implementation the hub can write ready-made frames beside (gateway/frames.py);
        # `auto` picks it too while `websockets` is installed.
        ws="websockets-sansio",
        proxy_headers=True,
        log_config=None,
        timeout_graceful_shutdown=5,
    )
    with contextlib.suppress(KeyboardInterrupt):
        _Server(config, app).run()


if __name__ == "__main__":
    main()
