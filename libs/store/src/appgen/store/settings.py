"""Where the event store is."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class StoreSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APPGEN_", extra="ignore")

    database_url: str = "postgresql://postgres@127.0.0.1:5432/appgen"
