"""Writing one screen: by the model when there is one, else as the spec defines it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from appgen.events import ModelCall
from appgen.llm import LLMError
from appgen.screens.llm_screens import ModelScreenWriter
from appgen.spec import AppSpec, Screen


@dataclass(frozen=True)
class Written:
    """One screen's outcome: the screen to render, what it cost, and why it fell back if it did."""

    screen: Screen
    calls: tuple[ModelCall, ...] = ()
    fell_back: str | None = None


# (project id, the spec the screen belongs to, the screen as planned, the project's own model).
WriteScreen = Callable[[str, AppSpec, Screen, str | None], Awaitable[Written]]


def screen_writer(writer: ModelScreenWriter | None) -> WriteScreen:
    async def write(project_id: str, spec: AppSpec, screen: Screen, model: str | None) -> Written:
        if writer is None:
            return Written(screen)
        try:
            result = await writer.write(project_id, spec, screen, model=model)
        except LLMError as error:
            return Written(screen, error.model_calls, str(error))
        return Written(result.value, result.model_calls)

    return write
