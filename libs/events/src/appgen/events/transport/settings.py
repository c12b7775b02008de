"""Settings every service shares. Each service subclasses `ServiceSettings` once with its own."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConsumerSettings(BaseModel):
    """How a stage's durable pull consumer fetches, retries and gives up."""

    batch: int = Field(default=16, ge=1, le=1024, description="Messages asked for at a time.")
    concurrency: int = Field(default=8, ge=1, le=1024, description="Messages handled at once.")
    heartbeat_s: float = Field(
        default=1.0,
        gt=0,
        description="The idle heartbeat of a waiting pull request: silence for 2.5 of them "
        "means the request is lost and is made again.",
    )
    expires_s: float = Field(
        default=30.0, ge=2, description="How long one pull request waits for messages."
    )
    ack_wait_s: float = Field(default=30.0, gt=0)
    max_deliver: int = Field(default=5, ge=1, description="Attempts before the stage gives up.")
    backoff_s: tuple[float, ...] = Field(
        default=(0.5, 2.0, 5.0, 15.0), description="Delay before attempt 2, 3, …; the last repeats."
    )
    shutdown_grace_s: float = Field(default=10.0, ge=0)
    park_delay_s: float = Field(
        default=30.0,
        gt=0,
        description="How long an event this process cannot read (written by a newer version) "
        "waits before it is offered again, for a newer process to take.",
    )
    park_limit: int = Field(
        default=120,
        ge=1,
        description="Offers of such an event before the stage fails its project visibly.",
    )

    def backoff_for(self, attempt: int) -> float:
        index = min(max(attempt - 1, 0), len(self.backoff_s) - 1)
        return self.backoff_s[index] if self.backoff_s else 0.0


class NatsSettings(BaseSettings):
    """Where NATS is and how the event stream is laid out."""

    model_config = SettingsConfigDict(
        env_prefix="APPGEN_", env_nested_delimiter="__", extra="ignore"
    )

    nats_url: str = "nats://127.0.0.1:4222"
    # This service's own NATS user (docs/security.md, "NATS"); None connects without one.
    nats_user: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]+$")
    nats_password: SecretStr | None = None
    nats_password_file: Path | None = Field(
        default=None, description="A file holding the password (a mounted secret), read at connect."
    )
    stream: str = Field(default="APPGEN", pattern=r"^[A-Za-z0-9_-]+$")
    blob_bucket: str = Field(default="APPGEN_BLOBS", pattern=r"^[A-Za-z0-9_-]+$")
    # JetStream drops a repeated Nats-Msg-Id inside this window; the store's unique key covers the rest.
    duplicate_window_s: float = Field(default=600.0, gt=0)
    max_event_bytes: int = Field(default=1024 * 1024, ge=1024)
    # How the stream is made when it does not exist yet. An existing stream's replicas and
    # limits are the operator's: no process start changes them (`stream.ensure_stream`).
    stream_replicas: int = Field(default=1, ge=1, le=5, description="Copies of every event.")
    stream_max_bytes: int = Field(
        default=-1, ge=-1, description="The stream's size limit in bytes (-1: none)."
    )
    stream_max_age_s: float = Field(
        default=0, ge=0, description="How long events are kept (0: for ever)."
    )

    def nats_secret(self) -> str | None:
        """The password: given, or read from its file when it is needed, never at import."""
        if self.nats_password is not None:
            return self.nats_password.get_secret_value()
        if self.nats_password_file is not None:
            return self.nats_password_file.read_text().strip()
        return None


class ServiceSettings(NatsSettings):
    consumer: ConsumerSettings = Field(default_factory=ConsumerSettings)
    metrics_port: int | None = Field(
        default=None, ge=0, le=65535, description="Serve Prometheus metrics here when set."
    )
    # Every interface by default, for a scraper in another container or pod; `appgen up` narrows
    # it to the address the gateway listens on.
    metrics_host: str = Field(default="0.0.0.0", description="The address metrics are served on.")
    nice: int = Field(
        default=0,
        ge=0,
        le=19,
        description="How much the process yields the CPU to others (os.nice), for background work.",
    )
    idle_priority: bool = Field(
        default=False,
        description="Run under Linux's SCHED_IDLE policy (children and threads inherit it): only "
        "on CPU time nothing else wants, and a waking process of normal priority takes the CPU "
        "from it at once. For work nobody waits on; ignored where the policy does not exist.",
    )
    log_level: str = "INFO"
    log_json: bool = False
