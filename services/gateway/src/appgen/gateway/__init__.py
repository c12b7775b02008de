"""The gateway: REST, WebSocket and SSE progress, the preview server and export."""

from appgen.gateway.app import create_app
from appgen.gateway.settings import Settings

__all__ = ["Settings", "create_app"]
