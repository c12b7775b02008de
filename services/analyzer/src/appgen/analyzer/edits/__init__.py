"""Edits: a follow-up prompt ("add a due date to tasks", "make it dark") revises an app's spec,
deterministically and without a language model."""

from appgen.analyzer.edits.outcome import Refusal, Revision
from appgen.analyzer.edits.revise import revise

__all__ = ["Refusal", "Revision", "revise"]
