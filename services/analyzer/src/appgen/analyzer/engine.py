"""The seam between the handler and whatever writes the spec: rules today, a language model later."""

from __future__ import annotations

from typing import Protocol

from appgen.analyzer.rules import analyze
from appgen.spec import AppSpec


class Analyzer(Protocol):
    """Turns a prompt into a spec. `source` is recorded on AnalysisCompleted ('rules' or 'model')."""

    @property
    def source(self) -> str: ...

    async def analyze(self, prompt: str) -> AppSpec:
        """The spec for `prompt`; raises ValueError when no app can be made from it."""
        ...


class RulesAnalyzer:
    """The deterministic analyzer: the domain library plus the prompt's own words."""

    source = "rules"

    async def analyze(self, prompt: str) -> AppSpec:
        return analyze(prompt)
