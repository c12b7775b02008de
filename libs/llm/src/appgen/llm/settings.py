"""How to reach a language model: one settings class, nested in each service's settings.

It reads its own variables (`APPGEN_LLM_*`, plus `OPENAI_API_KEY` and `APPGEN_IMAGE_MODEL`), so a
service that nests it as `llm: LLMSettings = Field(default_factory=LLMSettings)` gets the
documented names rather than `APPGEN_LLM__*`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from appgen.llm.prices import DEFAULT_PRICES, Price, listed_price, price_for

StructuredMode = Literal["json_schema", "json_object"]


class Purpose(StrEnum):
    """What a call is for; picks the model and is recorded on every `ModelCall`."""

    analysis = "analysis"
    screen = "screen"
    image = "image"


class LLMSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="APPGEN_LLM_", extra="ignore", populate_by_name=True
    )

    base_url: str | None = Field(
        default=None, description="An OpenAI-compatible endpoint; None means OpenAI itself."
    )
    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("APPGEN_LLM_API_KEY", "OPENAI_API_KEY")
    )
    model: str | None = Field(
        default=None, description="The model every stage uses unless overridden; unset = no LLM."
    )
    analysis_model: str | None = Field(
        default=None, description="The analysis gates the preview: a fast model fits here."
    )
    screens_model: str | None = Field(default=None, description="A stronger model for screens.")
    image_model: str | None = Field(
        default=None, validation_alias=AliasChoices("APPGEN_IMAGE_MODEL", "APPGEN_LLM_IMAGE_MODEL")
    )
    image_size: str = Field(default="1024x1024", pattern=r"^\d+x\d+$")
    structured: StructuredMode = Field(
        default="json_schema",
        description="json_schema where the server supports structured outputs; json_object "
        "(JSON mode, validated here) where it does not. A server that rejects json_schema "
        "switches the client to json_object by itself.",
    )
    stream: bool = Field(default=True, description="Stream answers, for progress events.")
    timeout_s: float = Field(default=120.0, gt=0, description="One request, start to end.")
    connect_timeout_s: float = Field(default=10.0, gt=0)
    max_retries: int = Field(default=4, ge=0, description="Retries of a 429, 5xx or timeout.")
    backoff_s: float = Field(default=1.0, ge=0, description="First retry delay; doubles.")
    max_backoff_s: float = Field(default=30.0, ge=0)
    max_output_tokens: int = Field(default=8000, ge=256)
    temperature: float | None = Field(default=0.2, ge=0, le=2)
    concurrency: int = Field(
        default=8, ge=1, description="Calls in flight to the endpoint, across every worker."
    )
    slot_ttl_s: float = Field(
        default=30.0, gt=1, description="A crashed worker's slot is free again after this."
    )
    screen_concurrency: int = Field(
        default=4, ge=1, description="Screens of one project written at once."
    )
    budget_usd: float | None = Field(
        default=None, ge=0, description="Per project; generation stops once it is spent."
    )
    prices: dict[str, Price] = Field(
        default_factory=dict, description="Added to (and overriding) the built-in price table."
    )

    @model_validator(mode="after")
    def _endpoint_needs_a_model(self) -> Self:
        if self.base_url and not (self.model or self.analysis_model or self.screens_model):
            raise ValueError(
                "APPGEN_LLM_BASE_URL is set but no model is: set APPGEN_LLM_MODEL "
                "(or APPGEN_LLM_ANALYSIS_MODEL / APPGEN_LLM_SCREENS_MODEL)"
            )
        return self

    @classmethod
    def disabled(cls) -> LLMSettings:
        """No model anywhere, whatever the environment says (tests and benches start here)."""
        return cls.model_construct()

    def model_for(self, purpose: Purpose) -> str | None:
        """The model that does `purpose`, or None when that part stays deterministic."""
        if purpose is Purpose.analysis:
            return self.analysis_model or self.model
        if purpose is Purpose.screen:
            return self.screens_model or self.model
        return self.image_model

    @property
    def enabled(self) -> bool:
        return any(self.model_for(p) for p in Purpose)

    def price(self, model: str) -> Price:
        return price_for(model, {**DEFAULT_PRICES, **self.prices})

    def offers(self, model: str) -> bool:
        """Whether a project may ask for `model` (a fork's `model`): one configured here, or one
        the price table lists. An unlisted model would cost nothing in the books, so a key
        could spend past its budget with it, and every name asked for would become a metric
        label; an operator offers a local model by configuring it or listing it in
        APPGEN_LLM_PRICES (at price 0 if it is free)."""
        configured = {self.model, self.analysis_model, self.screens_model}
        return model in configured or (
            listed_price(model, {**DEFAULT_PRICES, **self.prices}) is not None
        )

    @property
    def endpoint(self) -> str:
        """Names the endpoint for the shared concurrency limit."""
        return (self.base_url or "https://api.openai.com/v1").rstrip("/")
