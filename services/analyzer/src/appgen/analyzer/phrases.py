"""Noun phrases: which words are nouns, the phrases they make, and how sure we are of each.

Nouns are found by phrase patterns rather than a parser. What follows "track", "manage" or
"list of" is a strong mention; a phrase after "with"/"for" is medium; a phrase in a list of two
or more ("tanks, fish and water tests") is as strong as the strongest phrase in its list and at
least medium, whatever comes before the list. Words the lexicon knows are medium too; any other
content word is weak and only used when nothing else is found.

Strength says how sure we are that a phrase names records; two flags say why. `listed`: the
prompt names it as something to keep, by where it stands rather than by what the lexicon knows.
`topic`: it names the app itself ("a *beekeeping* log", "*Flashcards* to learn …").
"""

from __future__ import annotations

from dataclasses import dataclass

from appgen.analyzer import lexicon
from appgen.analyzer.lists import coordinate
from appgen.analyzer.patterns import (
    AMBIGUOUS,
    CONNECTORS,
    DETERMINERS,
    GERUND_VERB_AFTER,
    HEAD_WORDS,
    MEDIUM,
    MEDIUM_CONTEXT,
    NOUN_PLACE,
    PATTERN_VERBS,
    STRONG,
    WEAK,
)
from appgen.analyzer.words import BREAK, COMMA, STOP_WORDS, Token, wordset

_ADJECTIVE_ENDINGS = ("ly", "ous", "ful", "able", "ible", "ish", "less")
_LY_NOUNS = wordset("family supply fly jelly belly rally lily butterfly assembly ally reply")


@dataclass(frozen=True)
class Mention:
    """A noun the prompt names: its singular, the words before it in its phrase, how sure we are.

    `purpose` marks a lone "for X" ("an event planner for weddings"): what the app is for.
    `plural`: the user wrote the word in the plural.
    """

    word: str
    modifiers: tuple[str, ...]
    strength: int
    position: int
    listed: bool = False
    topic: bool = False
    purpose: bool = False
    plural: bool = False


@dataclass(frozen=True)
class Phrases:
    """The mentions, and for each attribute in a list of records the record it belongs to."""

    mentions: tuple[Mention, ...]
    owners: dict[int, int]


def is_noun(
    i: int, tokens: tuple[Token, ...], singulars: tuple[str, ...], feature_words: frozenset[str]
) -> bool:
    token, word = tokens[i], singulars[i]
    if not token.is_word or len(word) < 3:
        return False
    before = singulars[i - 1] if i else BREAK
    after = singulars[i + 1] if i + 1 < len(singulars) else BREAK
    plural_form = token.text != word
    after_noun = before not in STOP_WORDS and before not in (BREAK, COMMA)
    modifies = before in NOUN_PLACE and _content(after)
    if word in lexicon.NOUN_STOPS:
        # "Plan camping trips": a verb that opens the prompt modifies nothing.
        in_list = before in NOUN_PLACE or after in CONNECTORS | {BREAK}
        verb = word in PATTERN_VERBS
        return (modifies and not verb) or (plural_form and (in_list or after_noun))
    if token.text in STOP_WORDS or word in STOP_WORDS:
        # A plural standing in a list is a noun ("shows, cast members", "lifts, sets and reps").
        listed = before in NOUN_PLACE and after in CONNECTORS | {BREAK}
        return plural_form and listed and word not in lexicon.NEVER_RECORDS
    if word in HEAD_WORDS | DETERMINERS:
        return False
    if word in feature_words:
        return plural_form and word in lexicon.FEATURE_NOUNS
    # Adjectives take no plural: "tables" and "garnishes" are nouns.
    adjective = word.endswith(_ADJECTIVE_ENDINGS) and word not in _LY_NOUNS and len(word) > 4
    if adjective and not plural_form:
        return False
    if word.endswith("ing") and before in GERUND_VERB_AFTER and _content(after):
        return False
    if before == "to" and not plural_form:  # "an app to split bills"
        return False
    if word in AMBIGUOUS or word in lexicon.VERB_NOUNS:
        return plural_form or before in DETERMINERS or after_noun or after in HEAD_WORDS or modifies
    return True


def _content(word: str) -> bool:
    """A word that can be the noun a modifier modifies."""
    return (
        len(word) >= 3
        and word not in (BREAK, COMMA)
        and word not in STOP_WORDS | HEAD_WORDS | DETERMINERS
    )


def find(
    tokens: tuple[Token, ...],
    singulars: tuple[str, ...],
    noun_at: list[bool],
    value_at: list[bool],
) -> Phrases:
    """Noun phrases (runs of nouns; the last word is the head) with their context and lists.

    `value_at` marks words that are not records but can stand in a list of them ("scores",
    "photos", "dark mode"), so "games, players and scores" is one list of three.
    """
    runs = _runs(tokens, noun_at)
    lists = coordinate(tokens, singulars, runs, value_at)
    before = [_look_back(tokens, singulars, start) for start, _ in runs]
    contexts = [_context(singulars, j) for j in before]
    strongest: dict[int, int] = {}
    for k, group in enumerate(lists.of_run):
        strongest[group] = max(strongest.get(group, WEAK), contexts[k])
    found: list[Mention] = []
    for k, (start, end) in enumerate(runs):
        group = lists.of_run[k]
        in_list = lists.size[group] >= 2
        context = max(contexts[k], strongest[group], MEDIUM) if in_list else contexts[k]
        after = singulars[end] if end < len(singulars) else BREAK
        before_head = after in HEAD_WORDS and not tokens[end - 1].possessive
        # The prompt's first phrase names the app when only words come before it
        # ("Flashcards to learn …"), not markup ("<script> a todo app").
        opening = k == 0 and all(t.is_word for t in tokens[:start])
        j = before[k]
        found += _split(
            singulars[start:end],
            tuple(
                t.text != w for t, w in zip(tokens[start:end], singulars[start:end], strict=True)
            ),
            start,
            max(context, STRONG if before_head else WEAK),
            listed=context >= MEDIUM,
            topic=context == WEAK and (before_head or opening),
            purpose=not in_list and j >= 0 and singulars[j] == "for",
        )
    return Phrases(tuple(found), lists.owners)


def _split(
    phrase: tuple[str, ...],
    plurals: tuple[bool, ...],
    start: int,
    strength: int,
    *,
    listed: bool,
    topic: bool,
    purpose: bool,
) -> list[Mention]:
    """The phrase's head, with the words before it; and, when the head is a happening, each
    known noun before it as a record of its own ("car repairs" are repairs of cars)."""
    found: list[Mention] = []
    head = phrase[-1]
    if lexicon.kind_of(head) is lexicon.Kind.happening:
        for offset, word in enumerate(phrase[:-1]):
            if lexicon.is_known_noun(word):
                found.append(
                    Mention(
                        word,
                        (),
                        max(strength, MEDIUM),
                        start + offset,
                        listed,
                        topic,
                        purpose,
                        plurals[offset],
                    )
                )
    if lexicon.is_known_noun(head):
        strength = max(strength, MEDIUM)
    end = start + len(phrase) - 1
    found.append(Mention(head, phrase[:-1], strength, end, listed, topic, purpose, plurals[-1]))
    return found


def _look_back(tokens: tuple[Token, ...], singulars: tuple[str, ...], start: int) -> int:
    """The first word before a phrase that is not a determiner or an owner ("my dog's"); -1 if none."""
    j = start - 1
    while j >= 0:
        if tokens[j].possessive:
            j -= 1
            while j >= 0 and tokens[j].is_word and singulars[j] not in STOP_WORDS:
                j -= 1
        elif singulars[j] in DETERMINERS and singulars[j] != "of":
            j -= 1
        else:
            break
    return j


def _context(singulars: tuple[str, ...], j: int) -> int:
    """How strongly the word before a phrase says it names records."""
    if j < 0:
        return WEAK
    word = singulars[j]
    if word in PATTERN_VERBS:
        return STRONG
    if word == "of" and j > 0 and singulars[j - 1] in HEAD_WORDS | PATTERN_VERBS:
        return STRONG
    if word in MEDIUM_CONTEXT or word == "of":
        return MEDIUM
    return WEAK


def _runs(tokens: tuple[Token, ...], noun_at: list[bool]) -> list[tuple[int, int]]:
    """Maximal runs of nouns; a possessive ("dog's") ends its run."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not noun_at[i]:
            i += 1
            continue
        start = i
        while i < len(tokens) and noun_at[i]:
            i += 1
            if tokens[i - 1].possessive:
                break
        runs.append((start, i))
    return runs
