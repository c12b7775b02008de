"""The recorder's settings: where NATS and PostgreSQL are, and how big its batches are."""

from __future__ import annotations

from pydantic import Field

from appgen.events import ConsumerSettings, ServiceSettings


class RecorderConsumerSettings(ConsumerSettings):
    """Many messages in flight at once is what lets the writer fill a batch: each handler waits
    on a commit, not on CPU. The delivery cap is unused (the worker retries for ever) and the
    backoff is short, so a database that comes back is caught up with quickly.

    A subclass rather than a default instance, so that setting one field from the environment
    (`APPGEN_CONSUMER__BATCH=64`) keeps the recorder's other defaults.
    """

    batch: int = Field(default=256, ge=1, le=1024)
    concurrency: int = Field(default=256, ge=1, le=256)
    backoff_s: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0)


class RecorderSettings(ServiceSettings):
    database_url: str = "postgresql://postgres@127.0.0.1:5432/appgen"
    consumer: RecorderConsumerSettings = Field(default_factory=RecorderConsumerSettings)
    batch_max: int = Field(default=512, ge=1, description="Events written per transaction at most.")
    batch_wait_ms: float = Field(
        default=2.0, ge=0, description="How long the first event of a batch waits for company."
    )
    pool_size: int = Field(default=4, ge=1)
    migrate: bool = Field(default=True, description="Bring the schema to head at start.")
