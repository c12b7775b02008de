"""A validated answer from a model: ask, and on an invalid or cut-off answer repair once
(showing the model its errors), then retry afresh once; after that the caller falls back."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from appgen.events import ModelCall
from appgen.llm.client import Answer, LLMClient, Message, OnText
from appgen.llm.errors import BudgetExceeded, EndpointError, InvalidAnswer
from appgen.llm.settings import Purpose

T = TypeVar("T")
# The first answer, a repair of it, and one fresh try.
ROUNDS = ("first", "repair", "retry")
_MAX_ERRORS = 12
_MAX_ECHO = 24_000


@dataclass(frozen=True)
class Structured(Generic[T]):
    value: T
    model_calls: tuple[ModelCall, ...]
    rounds: tuple[str, ...]


class Unusable(ValueError):
    """Raised by a parser for an answer that parsed but cannot be used; the message says why."""


async def generate(
    client: LLMClient,
    *,
    project_id: str,
    purpose: Purpose,
    messages: Sequence[Message],
    schema_name: str,
    schema: dict[str, Any],
    parse: Callable[[str], T],
    on_text: OnText | None = None,
    model: str | None = None,
) -> Structured[T]:
    """`parse(answer)` decides validity (raising ValidationError, Unusable or ValueError).
    `model` replaces the model configured for `purpose` (a forked project's own model).

    Raises InvalidAnswer or EndpointError (both carrying the calls made), or BudgetExceeded.
    """
    calls: list[ModelCall] = []
    rounds: list[str] = []
    previous: Answer | None = None
    problem = ""
    for name in ROUNDS:
        conversation = list(messages)
        if name == "repair" and previous is not None:
            conversation += repair_messages(previous, problem)
        rounds.append(name)
        try:
            answer = await client.chat_json(
                project_id=project_id,
                purpose=purpose,
                messages=conversation,
                schema_name=schema_name,
                schema=schema,
                on_text=on_text if name == "first" else None,
                model=model,
            )
        except EndpointError as error:
            raise EndpointError(str(error), [*calls, *error.model_calls]) from error
        except BudgetExceeded as error:
            raise BudgetExceeded(error.spent_usd, error.budget_usd, calls) from error
        calls.append(answer.call)
        previous = answer
        try:
            if answer.truncated:
                raise Unusable("the answer was cut off before its end (it hit the length limit)")
            return Structured(parse(answer.text), tuple(calls), tuple(rounds))
        except (ValidationError, ValueError) as error:
            problem = describe(error)
    raise InvalidAnswer(
        f"no valid {schema_name} after {len(ROUNDS)} answers; last problem: {problem}", calls
    )


def repair_messages(previous: Answer, problem: str) -> list[Message]:
    advice = (
        "Answer again with a complete but shorter JSON object."
        if previous.truncated
        else "Answer again with the whole corrected JSON object."
    )
    return [
        {"role": "assistant", "content": previous.text[:_MAX_ECHO]},
        {
            "role": "user",
            "content": f"That answer is not usable: {problem}\n{advice} Only the JSON object.",
        },
    ]


def describe(error: Exception) -> str:
    """Validation errors as short lines a model (and a person reading the event) can act on."""
    if isinstance(error, ValidationError):
        lines = [
            f"{'.'.join(str(part) for part in e['loc']) or '(root)'}: {e['msg']}"
            for e in error.errors(include_url=False)[:_MAX_ERRORS]
        ]
        more = error.error_count() - len(lines)
        return "; ".join(lines) + (f"; and {more} more" if more > 0 else "")
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at character {error.pos})"
    return str(error)
