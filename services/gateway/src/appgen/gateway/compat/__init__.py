"""The earlier generator's protocol, spoken beside appgen's own so that its clients keep working.

`messages`: what its streaming clients read in each WebSocket message; `sockets`: how many
sockets follow a project (its `GET /api/v1/stream-status`). Its REST routes are in
`routes/compat.py`; docs/protocol.md, "The earlier generator's protocol", is the reference.
"""

from appgen.gateway.compat.messages import LEGACY_STAGES, LegacyView, legacy_stage
from appgen.gateway.compat.sockets import OpenSockets

__all__ = ["LEGACY_STAGES", "LegacyView", "OpenSockets", "legacy_stage"]
