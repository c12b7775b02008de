"""The analyzer's settings (environment variables with the APPGEN_ prefix)."""

from __future__ import annotations

from pydantic import Field

from appgen.events import ServiceSettings
from appgen.llm import LLMSettings


class Settings(ServiceSettings):
    # With a model for the analysis (APPGEN_LLM_MODEL or APPGEN_LLM_ANALYSIS_MODEL) the model
    # writes the spec; without one, the deterministic rules do.
    llm: LLMSettings = Field(default_factory=LLMSettings)
