"""The recorder's settings: where NATS and PostgreSQL are, and how big its transactions are."""

from __future__ import annotations

from pydantic import Field

from appgen.events import ServiceSettings


class Settings(ServiceSettings):
    database_url: str = "postgresql://postgres@127.0.0.1:5432/appgen"
    batch_max: int = Field(
        default=2000, ge=1, le=50_000, description="Events written per transaction at most."
    )
    linger_s: float = Field(
        default=0.01,
        ge=0,
        le=1,
        description="How long a transaction waits for more events when fewer are waiting: one "
        "commit per burst of a stage's outputs, not one per event.",
    )
    read_ahead: int = Field(
        default=8192, ge=1, description="Stream messages read ahead while a batch commits."
    )
    pool_size: int = Field(default=4, ge=2)
    retry_max_s: float = Field(
        default=2.0, gt=0, description="The longest wait between attempts to write a batch."
    )
    lock_retry_s: float = Field(
        default=0.5, gt=0, description="How often a standby recorder tries to take the lead."
    )
    migrate: bool = Field(default=True, description="Bring the schema to head at start.")
