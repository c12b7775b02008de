"""The live-reload hook: a script tag added to HTML served at the newest position.

The preview's CSP forbids inline scripts, so the tag loads a file the gateway serves.
"""

from __future__ import annotations

import re
from importlib import resources

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def live_script() -> bytes:
    return resources.files("appgen.gateway").joinpath("static/live.js").read_bytes()


def inject(html: bytes, token: str, position: int) -> bytes:
    """The page with a script that reloads it when an event after `position` writes files."""
    tag = f'<script src="/preview/{token}/__live.js?since={position}" defer></script>'.encode()
    for pattern in (_HEAD_END, _BODY_END):
        match = pattern.search(html)
        if match is not None:
            return html[: match.start()] + tag + html[match.start() :]
    return html + tag
