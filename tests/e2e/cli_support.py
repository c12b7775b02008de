"""Running `.venv/bin/appgen` as a subprocess against a gateway served in this test's event loop."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APPGEN = Path(sys.executable).parent / "appgen"


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self.err
        return json.loads(self.out)


async def appgen(origin: str, key: str | None, *args: str, cwd: Path | None = None) -> Ran:
    """The command's exit code and output. Async, so the gateway in this loop keeps answering."""
    auth = ["--key", key] if key else []
    process = await asyncio.create_subprocess_exec(
        str(APPGEN),
        *args,
        "--url",
        origin,
        *auth,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=cwd,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return Ran(process.returncode, out.decode(), err.decode())
