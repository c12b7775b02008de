"""The fake OpenAI-compatible server (started per test on a free port) and settings pointing at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from appgen.llm import LLMSettings, Price
from tests.fakes.openai_server import FakeOpenAI, serving

FAST_MODEL = "fast-model"
STRONG_MODEL = "strong-model"
IMAGE_MODEL = "image-model"
# Round prices so that expected costs are easy to read in failures.
PRICES = {
    FAST_MODEL: Price(input=1.0, cached_input=0.5, output=4.0),
    STRONG_MODEL: Price(input=3.0, cached_input=1.5, output=12.0),
    IMAGE_MODEL: Price(input=5.0, output=40.0, image=0.01),
}


@pytest.fixture
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    async with serving(FakeOpenAI()) as fake:
        yield fake


def llm_settings(fake: FakeOpenAI, **overrides: Any) -> LLMSettings:
    values: dict[str, Any] = {
        "base_url": fake.url,
        "api_key": "test-key",
        "analysis_model": FAST_MODEL,
        "screens_model": STRONG_MODEL,
        "image_model": None,
        "prices": PRICES,
        "timeout_s": 10.0,
        "max_retries": 3,
        "backoff_s": 0.01,
        "max_backoff_s": 2.0,
        "budget_usd": None,
        **overrides,
    }
    return LLMSettings(**values)
