"""The screens's settings (environment variables with the APPGEN_ prefix)."""

from __future__ import annotations

from pydantic import Field

from appgen.events import ServiceSettings
from appgen.llm import LLMSettings


class Settings(ServiceSettings):
    # With a model for screens (APPGEN_LLM_MODEL or APPGEN_LLM_SCREENS_MODEL) the model writes
    # each screen's components, APPGEN_LLM_SCREEN_CONCURRENCY at a time; else the spec's stand.
    llm: LLMSettings = Field(default_factory=LLMSettings)
