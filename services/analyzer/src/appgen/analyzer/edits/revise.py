"""The edit engine's entry point: a follow-up prompt revises a spec, or says why it cannot."""

from __future__ import annotations

from pydantic import ValidationError

from appgen.analyzer.edits.clauses import split
from appgen.analyzer.edits.grammar import clause_edits
from appgen.analyzer.edits.outcome import Refusal, Refused, Revision
from appgen.analyzer.edits.steps import Edit
from appgen.spec import AppSpec, diff

MAX_PROMPT = 2000
MAX_SHOWN = 60


def revise(spec: AppSpec, prompt: str) -> Revision | Refusal:
    """`spec` changed as `prompt` asks, with what changed; or a Refusal saying why not.

    Pure and deterministic. Every change the prompt asks for is made, or none is: one step
    that cannot be made refuses the whole prompt. The result always validates as an AppSpec.
    """
    steps: list[Edit] = []
    for clause in split(prompt[:MAX_PROMPT]):
        found = clause_edits(clause)
        if not found:
            return Refusal(_not_understood(spec, clause))
        steps += found
    if not steps:
        return Refusal(_not_understood(spec, prompt))
    revised = spec
    try:
        for step in steps:
            revised = step(revised)
        revised = AppSpec.model_validate(revised.model_dump())
    except Refused as refused:
        return Refusal(refused.reason)
    except ValidationError as error:
        return Refusal(_invalid(error))
    changes = diff(spec, revised)
    if not changes:
        return Refusal(f"The app is already like that, so nothing changed. {_examples(spec)}")
    return Revision(revised, changes)


def _not_understood(spec: AppSpec, clause: str) -> str:
    shown = " ".join(clause.split())
    if len(shown) > MAX_SHOWN:
        shown = shown[: MAX_SHOWN - 1].rstrip() + "…"
    quoted = f"“{shown}”" if shown else "that"
    return f"I did not understand {quoted} as a change to the app. {_examples(spec)}"


def _examples(spec: AppSpec) -> str:
    records = spec.entities[0].plural.lower() if spec.entities else "tasks"
    return (
        f"Try, for example: “add a due date to {records}”, “remove the settings screen”, "
        "“make it dark” or “add search”."
    )


def _invalid(error: ValidationError) -> str:
    first = error.errors()[0]
    detail = str(first.get("msg", "it would not be a valid app")).removeprefix("Value error, ")
    return f"That change would break the app ({detail}), so I left it as it was."
