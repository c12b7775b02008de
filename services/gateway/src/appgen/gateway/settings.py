"""The gateway's settings: where it listens, where the store is, and the limits it enforces."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from appgen.events import ServiceSettings
from appgen.llm import LLMSettings


class Settings(ServiceSettings):
    """Read from `APPGEN_*` environment variables (e.g. `APPGEN_DATABASE_URL`)."""

    database_url: str = "postgresql://postgres:@127.0.0.1:5432/appgen"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = Field(default=8000, ge=0, le=65535)
    public_url: str | None = Field(
        default=None,
        description="The origin clients reach the gateway at (e.g. behind a proxy); "
        "URLs in responses and QR codes use it when set.",
    )
    cors_origins: list[str] = Field(default_factory=list)
    # A client whose socket cannot keep up with this many queued events is disconnected.
    ws_buffer: int = Field(default=256, ge=8, le=100_000)
    ws_start_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="How long a socket for an unknown project waits for `start`.",
    )
    heartbeat_s: float = Field(default=20.0, gt=0)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # The model settings the stages share, read here only to judge a fork's `model`.
    llm: LLMSettings = Field(default_factory=LLMSettings)
    history_page: int = Field(default=500, ge=1, le=1000)
    store_pool_size: int = Field(default=10, ge=1, le=100)

    # Security (docs/security.md).
    auth: Literal["keys", "off"] = Field(
        default="keys",
        description="`keys`: every API request needs a key or token; `off`: no checks at all.",
    )
    allow_public_without_auth: bool = Field(
        default=False,
        description="Start with `auth=off` on an address beyond loopback (refused otherwise).",
    )
    local_key_file: Path | None = Field(
        default=None,
        description="The key `appgen up` wrote; the page served to loopback browsers uses it.",
    )
    token_ttl_s: int = Field(default=900, ge=10, le=86_400)
    session_max_s: int = Field(
        default=12 * 3600,
        ge=1,
        description="How long after a key was presented its tokens may still be renewed with "
        "themselves; then the key is needed again.",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the page and `/api/v1/session` answer to (`*`: any). Default: "
        "the loopback names, the public URL's host, and the listening address.",
    )
    signing_secret: SecretStr | None = Field(
        default=None,
        description="Signing secrets (whitespace-separated, newest last) instead of the "
        "database's signing keys.",
    )
    signing_secret_file: Path | None = Field(
        default=None, description="A file holding the signing secrets, as `signing_secret`."
    )
    signing_refresh_s: float = Field(
        default=10.0,
        gt=0,
        description="How often each process reloads the signing keys and link generations.",
    )
    preview_link_ttl: int | None = Field(
        default=None, ge=1, description="Seconds a preview link stays valid (none: for ever)."
    )
    max_auth_failures: int = Field(
        default=20, ge=1, description="Failed key or token presentations per client and window."
    )
    auth_failure_window_s: float = Field(default=60.0, gt=0)
    max_generations_per_hour: int = Field(default=60, ge=1)
    max_concurrent_generations: int = Field(default=5, ge=1)
    max_ws_per_key: int = Field(default=50, ge=1)
    max_ws_total: int = Field(default=10_000, ge=1)
    # A process refreshes its sockets' rows this often; rows not refreshed for 3x are dropped.
    ws_refresh_s: float = Field(default=10.0, gt=0)
    revocation_check_s: float = Field(
        default=2.0,
        gt=0,
        description="How often open streams are checked against revoked keys (each gateway).",
    )
