"""What an edit comes to: a revised spec with what changed, or a reason it was not made."""

from __future__ import annotations

from dataclasses import dataclass

from appgen.spec import AppSpec, Change


@dataclass(frozen=True)
class Revision:
    spec: AppSpec
    changes: tuple[Change, ...]  # diff(old, new)


@dataclass(frozen=True)
class Refusal:
    reason: str  # a sentence a person can act on, ending with examples of what works


class Refused(Exception):
    """Raised inside the engine where an edit cannot be made; `revise` turns it into a Refusal."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
