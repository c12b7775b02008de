"""The analyzer service: a prompt becomes an AppSpec (rules now; a language model later)."""

from appgen.analyzer.engine import Analyzer, RulesAnalyzer
from appgen.analyzer.rules import UnusablePrompt, analyze

__all__ = ["Analyzer", "RulesAnalyzer", "UnusablePrompt", "analyze"]
