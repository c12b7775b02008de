"""Reading a prompt: the features it asks for, the nouns it names, the fields it mentions.

The nouns and how sure we are of each come from `phrases`; this module adds what the rest of
the rules look up: the prompt's terms, its features, its attributes, its verbs that name records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from appgen.analyzer import lexicon, phrases
from appgen.analyzer.patterns import MEDIUM
from appgen.analyzer.phrases import Mention
from appgen.analyzer.words import BREAK, COMMA, Token, singular, tokenize
from appgen.spec import Feature

_NAMED = re.compile(
    r"\b(?:called|named|titled|name it|call it)\s+[\"'“\u2018«]?([^\"'”\u2019».,!?\n]{1,60})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attribute:
    """A field the prompt names; `owner` is the head of the record it belongs to, when it is
    listed beside records ("games, players and scores": the games')."""

    key: str
    position: int
    owner: int | None = None


@dataclass(frozen=True)
class Extraction:
    tokens: tuple[Token, ...]
    singulars: tuple[str, ...]
    terms: frozenset[str]
    features: frozenset[Feature]
    feature_words: frozenset[str]
    mentions: tuple[Mention, ...]
    attributes: tuple[Attribute, ...]
    verb_nouns: tuple[Mention, ...]
    explicit_name: str | None

    def has(self, term: str) -> bool:
        return term in self.terms


def extract(prompt: str) -> Extraction:
    """Everything the later steps need from the prompt, in one pass over its tokens."""
    tokens = tuple(tokenize(prompt))
    singulars = tuple(singular(t.text) if t.is_word else t.text for t in tokens)
    terms = _terms(singulars)
    features, feature_words = _features(terms)
    attributes = _attributes(singulars)
    attribute_at = {a.position for a in attributes}
    noun_at = [
        phrases.is_noun(i, tokens, singulars, feature_words) and i not in attribute_at
        for i in range(len(tokens))
    ]
    value_at = [
        not noun_at[i] and (i in attribute_at or singulars[i] in feature_words)
        for i in range(len(tokens))
    ]
    found = phrases.find(tokens, singulars, noun_at, value_at)
    return Extraction(
        tokens=tokens,
        singulars=singulars,
        terms=terms,
        features=features,
        feature_words=feature_words,
        mentions=found.mentions,
        attributes=tuple(
            Attribute(a.key, a.position, found.owners.get(a.position)) for a in attributes
        ),
        verb_nouns=tuple(
            Mention(lexicon.VERB_NOUNS[s], (), MEDIUM, i)
            for i, s in enumerate(singulars)
            if s in lexicon.VERB_NOUNS and not noun_at[i]
        ),
        explicit_name=_explicit_name(prompt),
    )


def _terms(singulars: tuple[str, ...]) -> frozenset[str]:
    """Every singular word and every two-word phrase within one clause."""
    terms: set[str] = set()
    for i, word in enumerate(singulars):
        if word in (BREAK, COMMA):
            continue
        terms.add(word)
        if i + 1 < len(singulars) and singulars[i + 1] not in (BREAK, COMMA):
            terms.add(f"{word} {singulars[i + 1]}")
    return frozenset(terms)


def _features(terms: frozenset[str]) -> tuple[frozenset[Feature], frozenset[str]]:
    found: set[Feature] = set()
    words: set[str] = set()
    for feature, triggers in lexicon.FEATURE_WORDS.items():
        for trigger in triggers:
            if trigger in terms:
                found.add(feature)
                words.update(trigger.split())
    # "log in" marks login, but "log" alone is a verb the patterns need; "in" is a stop word.
    words.discard("log")
    return frozenset(found), frozenset(words)


def _attributes(singulars: tuple[str, ...]) -> tuple[Attribute, ...]:
    found: list[Attribute] = []
    for i, word in enumerate(singulars):
        j = i - 1
        while j >= 0 and singulars[j] in lexicon.ATTRIBUTE_SKIP:
            j -= 1
        before = singulars[j] if j >= 0 else BREAK
        pair = f"{word} {singulars[i + 1]}" if i + 1 < len(singulars) else ""
        if pair in lexicon.ATTRIBUTES:
            found.append(Attribute(pair, i))
        elif word in lexicon.ATTRIBUTES and before in lexicon.ATTRIBUTE_CONTEXT:
            found.append(Attribute(word, i))
    return tuple(found)


def _explicit_name(prompt: str) -> str | None:
    """A name the user gave the app ('called "Leafy"'), kept as their text."""
    match = _NAMED.search(prompt)
    if match is None:
        return None
    name = "".join(c for c in match.group(1) if c.isprintable()).strip()
    return name[:40].strip() or None
