"""What a model call costs: a price table per model, in US dollars per million tokens."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Price(BaseModel):
    """Dollars per million tokens (and per image, for image models)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(default=0.0, ge=0)
    cached_input: float | None = Field(
        default=None, ge=0, description="Cached input tokens; None means the input price."
    )
    output: float = Field(default=0.0, ge=0)
    image: float = Field(default=0.0, ge=0, description="Dollars per generated image.")

    def cost(
        self, *, input_tokens: int, cached_input_tokens: int, output_tokens: int, images: int = 0
    ) -> float:
        cached = min(cached_input_tokens, input_tokens)
        cached_price = self.input if self.cached_input is None else self.cached_input
        dollars = (
            (input_tokens - cached) * self.input
            + cached * cached_price
            + output_tokens * self.output
        ) / 1_000_000
        return round(dollars + images * self.image, 8)


FREE = Price()

# List prices when written (USD per 1M tokens). A deployment overrides or extends them with
# APPGEN_LLM_PRICES; a model in neither (a local server's) costs nothing.
DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4.1": Price(input=2.00, cached_input=0.50, output=8.00),
    "gpt-4.1-mini": Price(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1-nano": Price(input=0.10, cached_input=0.025, output=0.40),
    "gpt-4o": Price(input=2.50, cached_input=1.25, output=10.00),
    "gpt-4o-mini": Price(input=0.15, cached_input=0.075, output=0.60),
    "gpt-5": Price(input=1.25, cached_input=0.125, output=10.00),
    "gpt-5-mini": Price(input=0.25, cached_input=0.025, output=2.00),
    "gpt-5-nano": Price(input=0.05, cached_input=0.005, output=0.40),
    "o4-mini": Price(input=1.10, cached_input=0.275, output=4.40),
    "gpt-image-1": Price(input=5.00, cached_input=1.25, output=40.00),
    "dall-e-3": Price(image=0.04),
    "dall-e-2": Price(image=0.02),
}


def listed_price(model: str, table: dict[str, Price]) -> Price | None:
    """The table's price of `model`: an exact entry, else the longest entry it starts with (a
    dated snapshot such as `gpt-4o-mini-2024-07-18` costs what `gpt-4o-mini` does), else None."""
    if model in table:
        return table[model]
    prefixes = [name for name in table if model.startswith(f"{name}-")]
    return table[max(prefixes, key=len)] if prefixes else None


def price_for(model: str, table: dict[str, Price]) -> Price:
    """The price of `model`, free when the table does not list it (a local server's model)."""
    return listed_price(model, table) or FREE
