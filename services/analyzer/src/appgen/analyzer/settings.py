"""The analyzer's settings (environment variables with the APPGEN_ prefix)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from appgen.events import ServiceSettings


class Settings(ServiceSettings):
    analyzer: Literal["rules"] = Field(
        default="rules", description="Which analyzer writes specs; 'model' arrives with the LLM."
    )
