"""`stack.json` in the data folder: what a running `appgen up` serves, for other commands to find."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

STATE_FILE = "stack.json"


class StackInfo(BaseModel):
    """Written as soon as the servers run (so a later start can clean up after a killed one),
    again with `ready` once the gateway answers; removed when the stack stops."""

    pid: int
    ready: bool = False
    data_dir: str
    web_url: str | None = Field(description="The gateway's page; None while no gateway exists.")
    nats_url: str
    database_url: str
    started_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    processes: dict[str, int] = Field(description="Service label (screens#2) to pid.")
    servers: dict[str, int] = Field(description="Embedded server (nats-server, postgres) to pid.")
    metrics: dict[str, str] = Field(
        default_factory=dict,
        description="Service label (screens#2, gateway#1) to the URL of its Prometheus metrics.",
    )


def write_stack_info(data_dir: Path, info: StackInfo) -> None:
    path = data_dir / STATE_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(info.model_dump_json(indent=2))
    # Readers never see half a file.
    os.replace(temporary, path)


def read_stack_info(data_dir: Path) -> StackInfo | None:
    try:
        return StackInfo.model_validate_json((data_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None


def remove_stack_info(data_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (data_dir / STATE_FILE).unlink()
