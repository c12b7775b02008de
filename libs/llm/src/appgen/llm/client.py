"""One model call with everything around it: the budget, the shared slot, retries, and its cost.

Servers differ: OpenAI and vLLM take `response_format: json_schema`; others take only JSON mode
(`json_object`), and the newest OpenAI models want `max_completion_tokens`. The client starts
from the configured mode and, when a server rejects a parameter, switches once and remembers.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import openai
from openai import AsyncOpenAI

from appgen.events import ModelCall
from appgen.llm.errors import EndpointError
from appgen.llm.ledger import SpendLedger
from appgen.llm.limiter import EndpointLimiter
from appgen.llm.retry import backoff_s, is_retryable, retry_after_s
from appgen.llm.settings import LLMSettings, Purpose, StructuredMode
from appgen.llm.usage import model_call, token_counts

log = logging.getLogger(__name__)

Message = dict[str, str]
# Called with the answer so far while it streams in.
OnText = Callable[[str], Awaitable[None]]
T = TypeVar("T")


@dataclass(frozen=True)
class Answer:
    text: str
    finish_reason: str | None
    call: ModelCall

    @property
    def truncated(self) -> bool:
        return self.finish_reason == "length"


@dataclass(frozen=True)
class Picture:
    data: bytes
    call: ModelCall


class _Rejected(Exception):
    """The server refused a parameter this client can do without; try again without it."""


class LLMClient:
    def __init__(
        self,
        settings: LLMSettings,
        limiter: EndpointLimiter,
        ledger: SpendLedger,
        sdk: AsyncOpenAI | None = None,
    ) -> None:
        self.settings = settings
        self.limiter = limiter
        self.ledger = ledger
        self.sdk = sdk or AsyncOpenAI(
            base_url=settings.base_url,
            # Local servers need no key, but the SDK insists on one.
            api_key=settings.api_key.get_secret_value() if settings.api_key else "not-needed",
            timeout=openai.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
            max_retries=0,  # retries are ours: they honour Retry-After and free the slot meanwhile
        )
        self.structured: StructuredMode = settings.structured
        self._token_param = "max_tokens"

    def model(self, purpose: Purpose, override: str | None = None) -> str:
        """`override` (the project's own model, from its fork) when given and offered here,
        else the configured model for `purpose`. The call's price follows the model returned.

        The gateway refuses a fork's model that its own settings do not offer; this check
        holds where the gateway has no model settings to judge by (they live with the stages)."""
        if override is not None and not self.settings.offers(override):
            log.warning("model %r is not offered here; using the configured one", override)
            override = None
        model = override or self.settings.model_for(purpose)
        if model is None:
            raise ValueError(f"no model is configured for {purpose.value}")
        return model

    async def chat_json(
        self,
        *,
        project_id: str,
        purpose: Purpose,
        messages: Sequence[Message],
        schema_name: str,
        schema: dict[str, Any],
        on_text: OnText | None = None,
        model: str | None = None,
    ) -> Answer:
        """One JSON answer (not yet validated) from `model`, else the model configured for
        `purpose`. Raises BudgetExceeded or EndpointError."""
        model = self.model(purpose, model)
        await self.ledger.check(project_id)
        answer = await self._with_retries(
            lambda: self._chat(model, purpose, messages, schema_name, schema, on_text)
        )
        await self.ledger.add(project_id, answer.call.cost_usd)
        return answer

    async def image(self, *, project_id: str, prompt: str) -> Picture:
        """One PNG from the images API. Raises BudgetExceeded or EndpointError."""
        model = self.model(Purpose.image)
        await self.ledger.check(project_id)
        picture = await self._with_retries(lambda: self._image(model, prompt))
        await self.ledger.add(project_id, picture.call.cost_usd)
        return picture

    async def _with_retries(self, request: Callable[[], Awaitable[T]]) -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self.limiter.slot():
                    return await request()
            except _Rejected:
                attempt -= 1  # adapting to the server is not a failure
                continue
            except openai.APIError as error:
                if not is_retryable(error) or attempt > self.settings.max_retries:
                    raise EndpointError(_describe(error)) from error
                response = getattr(error, "response", None)
                delay = backoff_s(
                    attempt,
                    base=self.settings.backoff_s,
                    cap=self.settings.max_backoff_s,
                    server_says=retry_after_s(response),
                )
                log.warning(
                    "model call failed (%s); retry %d in %.2fs", _describe(error), attempt, delay
                )
                # Outside the slot: a waiting call must not hold up anyone else's.
                await asyncio.sleep(delay)

    def _adapt(self, error: openai.BadRequestError) -> None:
        """Switch off what the server just refused, or re-raise when it was something else."""
        text = _describe(error).lower()
        if self.structured == "json_schema" and (
            "json_schema" in text or "response_format" in text
        ):
            log.warning("the endpoint rejects json_schema; using JSON mode with validation")
            self.structured = "json_object"
            raise _Rejected from error
        if self._token_param == "max_tokens" and "max_tokens" in text:
            self._token_param = "max_completion_tokens"
            raise _Rejected from error
        raise error

    async def _chat(
        self,
        model: str,
        purpose: Purpose,
        messages: Sequence[Message],
        schema_name: str,
        schema: dict[str, Any],
        on_text: OnText | None,
    ) -> Answer:
        sent = list(messages)
        if self.structured == "json_schema":
            response_format: dict[str, Any] = {
                "type": "json_schema",
                # Not strict: strict mode forbids optional fields and defaults the spec relies on;
                # the answer is validated here either way.
                "json_schema": {"name": schema_name, "schema": schema, "strict": False},
            }
        else:
            response_format = {"type": "json_object"}
            sent.append({"role": "system", "content": schema_instruction(schema)})
        params: dict[str, Any] = {
            "model": model,
            "messages": sent,
            "response_format": response_format,
            self._token_param: self.settings.max_output_tokens,
        }
        if self.settings.temperature is not None:
            params["temperature"] = self.settings.temperature
        started = time.perf_counter()
        try:
            if self.settings.stream:
                text, finish, usage = await self._stream(params, on_text)
            else:
                completion = await self.sdk.chat.completions.create(**params)
                choice = completion.choices[0]
                text, finish, usage = (
                    choice.message.content or "",
                    choice.finish_reason,
                    completion.usage,
                )
        except openai.BadRequestError as error:
            self._adapt(error)
            raise
        tokens_in, cached, tokens_out = token_counts(usage, (m["content"] for m in sent), text)
        call = model_call(
            model=model,
            purpose=purpose.value,
            price=self.settings.price(model),
            latency_s=time.perf_counter() - started,
            input_tokens=tokens_in,
            cached_input_tokens=cached,
            output_tokens=tokens_out,
        )
        return Answer(text, finish, call)

    async def _stream(
        self, params: dict[str, Any], on_text: OnText | None
    ) -> tuple[str, str | None, openai.types.CompletionUsage | None]:
        stream = await self.sdk.chat.completions.create(
            **params, stream=True, stream_options={"include_usage": True}
        )
        parts: list[str] = []
        finish: str | None = None
        usage = None
        async with stream:
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = chunk.usage
                for choice in chunk.choices:
                    if choice.delta.content:
                        parts.append(choice.delta.content)
                        if on_text is not None:
                            await on_text("".join(parts))
                    if choice.finish_reason:
                        finish = choice.finish_reason
        return "".join(parts), finish, usage

    async def _image(self, model: str, prompt: str) -> Picture:
        started = time.perf_counter()
        extra: dict[str, Any] = {}
        if model.startswith("dall-e"):
            extra["response_format"] = "b64_json"  # the gpt-image models always answer base64
        result = await self.sdk.images.generate(
            model=model,
            prompt=prompt,
            n=1,
            size=self.settings.image_size,
            **extra,
        )
        if not result.data:
            raise EndpointError("the images API answered with no image")
        item = result.data[0]
        if item.b64_json:
            data = base64.b64decode(item.b64_json)
        elif item.url:
            async with httpx.AsyncClient(timeout=self.settings.timeout_s) as http:
                response = await http.get(item.url)
                response.raise_for_status()
                data = response.content
        else:
            raise EndpointError("the images API answered with neither data nor a URL")
        usage = result.usage
        call = model_call(
            model=model,
            purpose=Purpose.image.value,
            price=self.settings.price(model),
            latency_s=time.perf_counter() - started,
            input_tokens=usage.input_tokens if usage else 0,
            output_tokens=usage.output_tokens if usage else 0,
            images=1,
        )
        return Picture(data, call)


def schema_instruction(schema: dict[str, Any]) -> str:
    return (
        "Answer with exactly one JSON object, no prose and no code fence, that validates "
        f"against this JSON schema:\n{json.dumps(schema, separators=(',', ':'))}"
    )


def _describe(error: openai.APIError) -> str:
    status = getattr(error, "status_code", None)
    prefix = f"HTTP {status}: " if status else ""
    return f"{prefix}{type(error).__name__}: {error.message}"[:500]
