"""The pure parts of the model client: prices, Retry-After, settings, streamed progress, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pydantic import ValidationError

from appgen.analyzer.llm_analysis import parse_spec, routes_so_far, spec_schema
from appgen.llm import DEFAULT_PRICES, LLMSettings, Price, Purpose, describe, price_for
from appgen.llm.retry import backoff_s, retry_after_s
from appgen.spec import AppSpec

pytestmark = pytest.mark.unit


class _Response:
    def __init__(self, **headers: str) -> None:
        self.headers = headers


def test_cost_charges_cached_input_at_its_own_price() -> None:
    price = Price(input=2.0, cached_input=0.5, output=8.0)
    cost = price.cost(input_tokens=1_000_000, cached_input_tokens=400_000, output_tokens=10_000)
    assert cost == pytest.approx(0.6 * 2.0 + 0.4 * 0.5 + 0.01 * 8.0)
    assert Price(input=1.0).cost(input_tokens=10, cached_input_tokens=10, output_tokens=0) == (
        pytest.approx(10 / 1_000_000)
    )


def test_a_dated_snapshot_costs_what_its_model_does_and_unknown_models_are_free() -> None:
    assert price_for("gpt-4o-mini-2024-07-18", DEFAULT_PRICES) == DEFAULT_PRICES["gpt-4o-mini"]
    assert price_for("gpt-4o-2024-08-06", DEFAULT_PRICES) == DEFAULT_PRICES["gpt-4o"]
    assert price_for("llama3.1:8b", DEFAULT_PRICES) == Price()


def test_retry_after_in_seconds_milliseconds_or_as_a_date() -> None:
    assert retry_after_s(_Response(**{"retry-after": "3"})) == 3.0
    assert retry_after_s(_Response(**{"retry-after-ms": "250", "retry-after": "9"})) == 0.25
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < (retry_after_s(_Response(**{"retry-after": later})) or 0) <= 30
    assert retry_after_s(_Response(**{"retry-after": "soon"})) is None
    assert retry_after_s(None) is None


def test_backoff_honours_the_server_then_grows_with_jitter_under_a_cap() -> None:
    assert backoff_s(1, base=1.0, cap=30.0, server_says=7.0) == 7.0
    assert backoff_s(1, base=1.0, cap=5.0, server_says=60.0) == 5.0
    for attempt in range(1, 8):
        ceiling = min(2 ** (attempt - 1), 4.0)
        assert ceiling / 2 <= backoff_s(attempt, base=1.0, cap=4.0, server_says=None) <= ceiling


def test_settings_read_the_documented_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("APPGEN_LLM_MODEL", "gpt-4.1")
    monkeypatch.setenv("APPGEN_LLM_ANALYSIS_MODEL", "gpt-4.1-nano")
    monkeypatch.setenv("APPGEN_IMAGE_MODEL", "gpt-image-1")
    monkeypatch.setenv("APPGEN_LLM_BUDGET_USD", "0.25")
    monkeypatch.setenv("APPGEN_LLM_PRICES", json.dumps({"gpt-4.1": {"input": 1, "output": 2}}))
    settings = LLMSettings()
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "sk-openai"
    assert settings.model_for(Purpose.analysis) == "gpt-4.1-nano"
    assert settings.model_for(Purpose.screen) == "gpt-4.1"
    assert settings.model_for(Purpose.image) == "gpt-image-1"
    assert settings.budget_usd == 0.25
    assert settings.price("gpt-4.1") == Price(input=1, output=2)
    monkeypatch.setenv("APPGEN_LLM_API_KEY", "sk-appgen")
    assert LLMSettings().api_key.get_secret_value() == "sk-appgen"  # type: ignore[union-attr]
    assert not LLMSettings.disabled().enabled


def test_an_endpoint_without_a_model_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("APPGEN_LLM_MODEL", "APPGEN_LLM_ANALYSIS_MODEL", "APPGEN_LLM_SCREENS_MODEL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValidationError, match="set APPGEN_LLM_MODEL"):
        LLMSettings(base_url="http://127.0.0.1:11434/v1")


def test_screen_routes_show_as_soon_as_they_are_complete_in_the_stream() -> None:
    text = (
        '{"name":"A","home":"today","screens":[{"route":"today","components":[{"kind":"header"}]},'
    )
    assert routes_so_far(text) == ("today",)
    assert routes_so_far(text + '{"route":"pla') == ("today",)
    assert routes_so_far(text + '{"route":"plants"') == ("today", "plants")
    assert routes_so_far('{"entities":[{"route":"x"}]') == ()


def test_the_models_spec_gets_the_prompt_verbatim_and_the_same_validation() -> None:
    assert "prompt" not in spec_schema()["properties"]
    from appgen.analyzer import analyze

    answer = analyze("a todo list").model_dump(mode="json")
    answer["prompt"] = "something the model made up"
    spec = parse_spec(f"```json\n{json.dumps(answer)}\n```", "a todo list")
    assert isinstance(spec, AppSpec)
    assert spec.prompt == "a todo list"
    with pytest.raises(ValidationError) as caught:
        parse_spec(json.dumps({**answer, "slug": "Not An Identifier"}), "a todo list")
    assert describe(caught.value).startswith("slug: String should match pattern")


def test_a_project_may_ask_for_configured_or_priced_models_only() -> None:
    settings = LLMSettings(
        base_url="http://127.0.0.1:9/v1",
        model="llama3.1:8b",
        prices={"qwen2.5": Price()},
    )
    assert settings.offers("llama3.1:8b")  # configured, though unpriced
    assert settings.offers("qwen2.5")  # listed at price 0 by the operator
    assert settings.offers("gpt-4o-mini-2024-07-18")  # a snapshot of a listed model
    assert not settings.offers("made-up-model")
