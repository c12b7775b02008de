"""A call's usage, as the SDK reports it (or as estimated when a server does not), as a ModelCall."""

from __future__ import annotations

from collections.abc import Iterable

from openai.types import CompletionUsage

from appgen.events import ModelCall
from appgen.llm.prices import Price

# Servers that report no usage (some local ones) still get their calls counted, roughly.
CHARS_PER_TOKEN = 4


def estimate_tokens(texts: Iterable[str]) -> int:
    return sum(len(t) for t in texts) // CHARS_PER_TOKEN + 1


def model_call(
    *,
    model: str,
    purpose: str,
    price: Price,
    latency_s: float,
    input_tokens: int,
    output_tokens: int,
    cached_input_tokens: int = 0,
    images: int = 0,
) -> ModelCall:
    return ModelCall(
        model=model,
        purpose=purpose,
        input_tokens=input_tokens,
        cached_input_tokens=cached_input_tokens,
        output_tokens=output_tokens,
        latency_ms=round(latency_s * 1000, 3),
        cost_usd=price.cost(
            input_tokens=input_tokens,
            cached_input_tokens=cached_input_tokens,
            output_tokens=output_tokens,
            images=images,
        ),
    )


def token_counts(
    usage: CompletionUsage | None, prompt: Iterable[str], answer: str
) -> tuple[int, int, int]:
    """(input, cached input, output) tokens: the server's figures, else an estimate."""
    if usage is None:
        return estimate_tokens(prompt), 0, estimate_tokens([answer])
    details = usage.prompt_tokens_details
    cached = (details.cached_tokens or 0) if details is not None else 0
    return usage.prompt_tokens, cached, usage.completion_tokens
