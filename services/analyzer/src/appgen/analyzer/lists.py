"""Lists: which phrases a prompt coordinates ("A, B & C", "A and the B I lend them to").

Members of a list are separated only by connectors; determiners may open a member ("and the
…"), a possessive owns the member after it ("my dog's walks"), and a clause about a member ("I
lend them to") runs to the next connector. Any other word ends the list. Words that are values
rather than records ("scores", "photos") can be members too, and belong to the first record of
their list.
"""

from __future__ import annotations

from dataclasses import dataclass

from appgen.analyzer.patterns import CONNECTORS, DETERMINERS, HEAD_WORDS, PRONOUNS
from appgen.analyzer.words import BREAK, Token


@dataclass(frozen=True)
class Lists:
    of_run: list[int]  # the list each run is in
    size: list[int]  # how many members each list has (an owner is part of what it owns)
    owners: dict[int, int]  # a value's position -> the head of the first record in its list


def coordinate(
    tokens: tuple[Token, ...],
    singulars: tuple[str, ...],
    runs: list[tuple[int, int]],
    value_at: list[bool],
) -> Lists:
    """Which phrases are coordinated: members separated only by connectors ("A, B & C",
    "A and the B I lend them to"); any other word ends a list."""
    of_run = [0] * len(runs)
    size: list[int] = []
    owners: dict[int, int] = {}
    # ("run", k), ("owner", k) for "dog's", ("value", position) and ("more", position) after it.
    members: list[tuple[str, int]] = []

    def close() -> None:
        group = len(size)
        heads = [runs[k][1] - 1 for kind, k in members if kind == "run"]
        size.append(sum(kind in ("run", "value") for kind, _ in members))
        for kind, ref in members:
            if kind in ("value", "more") and heads:
                owners[ref] = heads[0]
            elif kind in ("run", "owner"):
                of_run[ref] = group
        members.clear()

    run_at = {start: k for k, (start, _) in enumerate(runs)}
    joined = True  # the next member joins the current list (start, or after a connector)
    i = 0
    while i < len(singulars):
        word = singulars[i]
        if i in run_at or value_at[i]:
            if not joined:
                close()
            if i in run_at:
                k = run_at[i]
                i = runs[k][1]
                owner = tokens[i - 1].possessive
                members.append(("owner" if owner else "run", k))
                joined = owner
                i = _skip_clause(singulars, i) if not owner else i
            else:
                members.append(("value", i))
                i += 1
                while i < len(singulars) and value_at[i]:  # "dark mode" is one member
                    members.append(("more", i))
                    i += 1
                joined = False
            continue
        if word in CONNECTORS:
            joined = True
        elif not (joined and word in DETERMINERS and word != "of"):
            close()
            joined = True
        i += 1
    close()
    return Lists(of_run, size, owners)


def _skip_clause(singulars: tuple[str, ...], i: int) -> int:
    """Past what follows a member and still belongs to it: its head word ("a shopping list"),
    or a clause about it ("the friends I lend them to"), up to the next connector."""
    if i < len(singulars) and singulars[i] in HEAD_WORDS:
        i += 1
    if i < len(singulars) and singulars[i] in PRONOUNS:
        while i < len(singulars) and singulars[i] not in CONNECTORS and singulars[i] != BREAK:
            i += 1
    return i
