"""What can go wrong with a model call, as the callers need to tell the cases apart."""

from __future__ import annotations

from collections.abc import Sequence

from appgen.events import BudgetExhausted, HandlerContext, ModelCall, Stage


class LLMError(Exception):
    """The model could not give a usable answer; the caller falls back to the deterministic path.

    `model_calls` holds what was spent getting there, so the fallback's event can record it.
    """

    def __init__(self, message: str, model_calls: Sequence[ModelCall] = ()) -> None:
        super().__init__(message)
        self.model_calls: tuple[ModelCall, ...] = tuple(model_calls)


class EndpointError(LLMError):
    """The endpoint refused or kept failing (after the retries a 429/5xx/timeout gets)."""


class InvalidAnswer(LLMError):
    """Every answer (first, repaired, retried) failed validation; the last errors are the message."""


class BudgetExceeded(Exception):
    """The project's budget is spent: the work stops (a generation fails, an edit is rejected)."""

    def __init__(
        self, spent_usd: float, budget_usd: float, model_calls: Sequence[ModelCall] = ()
    ) -> None:
        super().__init__(
            f"the project's LLM budget of ${budget_usd:.4f} is spent (${spent_usd:.4f} so far); "
            "the work stopped and what was made before is kept. Raise APPGEN_LLM_BUDGET_USD to "
            "allow more."
        )
        self.spent_usd = spent_usd
        self.budget_usd = budget_usd
        # Calls made on the way (an answer that needed repair): recorded with the stop.
        self.model_calls: tuple[ModelCall, ...] = tuple(model_calls)

    def stopped(self, ctx: HandlerContext, stage: Stage) -> BudgetExhausted:
        """The fact a stage publishes before it gives up with this error (a PermanentError)."""
        return ctx.emit(
            BudgetExhausted,
            model_calls=self.model_calls,
            stopped_stage=stage,
            spent_usd=self.spent_usd,
            budget_usd=self.budget_usd,
        )
