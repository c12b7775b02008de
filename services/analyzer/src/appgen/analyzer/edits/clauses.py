"""Splitting a follow-up prompt into the separate changes it asks for.

"make it dark and add search; rename tasks to chores" is three. An "and" or a comma starts a new
change only when a verb follows it, so "add a due date and a priority to tasks" stays one change
(to two fields) and "priority: low, medium, high" keeps its commas.
"""

from __future__ import annotations

import re

MAX_CLAUSES = 8
VERB = (
    r"(?:add|include|create|put|track|give|remove|delete|drop|get\s+rid|take|rename|call|"
    r"name|make|use|set|change|turn|switch|enable|disable|show|hide|go|mark|let|i\s+want|"
    r"i\s+need|i'd\s+like|please)\b"
)
_SENTENCES = re.compile(r"[;\n]+|\.(?:\s+|$)|\s+(?:and\s+)?then\s+", re.IGNORECASE)
_JOINS = re.compile(rf"\s*(?:,\s*and|,|\band)\s+(?={VERB})", re.IGNORECASE)
_POLITE_START = re.compile(
    r"^(?:(?:please|ok(?:ay)?|now|also|and|can\s+you|could\s+you|would\s+you|i'd\s+like\s+to|"
    r"i\s+would\s+like\s+to|let's|lets)[\s,]+)+",
    re.IGNORECASE,
)
_POLITE_END = re.compile(
    r"(?:[\s,]+(?:please|too|as\s+well|also|thanks|thank\s+you))+[\s.!?]*$", re.IGNORECASE
)


def split(prompt: str) -> list[str]:
    """The prompt's separate changes, each stripped of politeness and end punctuation."""
    found = []
    for sentence in _SENTENCES.split(prompt):
        for part in _JOINS.split(sentence):
            cleaned = tidy(part)
            if cleaned:
                found.append(cleaned)
    return found[:MAX_CLAUSES]


def tidy(clause: str) -> str:
    text = " ".join(clause.split())
    previous = None
    while previous != text:
        previous = text
        text = _POLITE_START.sub("", text)
        text = _POLITE_END.sub("", text).strip(" .!?")
    return text
