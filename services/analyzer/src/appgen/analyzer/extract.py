"""Reading a prompt: the features it asks for, the nouns it names, the fields it mentions.

Nouns are found by phrase patterns rather than a parser: what follows "track", "manage",
"list of" or precedes "tracker"/"app" is a strong mention, and so is everything coordinated
with it ("track my records and the friends …"); nouns after "with"/"for" or known to the
lexicon are medium; any other content word is weak and only used when nothing else is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from appgen.analyzer import lexicon
from appgen.analyzer.words import BREAK, COMMA, STOP_WORDS, Token, singular, tokenize, wordset
from appgen.spec import Feature

STRONG, MEDIUM, WEAK = 3, 2, 1

PATTERN_VERBS = wordset(
    "track manage log organize organise plan catalog catalogue collect record keep list "
    "monitor follow store save remember count rate review share browse sell buy schedule "
    "book"
)
HEAD_WORDS = wordset(
    "tracker tracking app application planner manager log logger list organizer diary "
    "keeper catalog catalogue database inventory hub companion assistant collection"
)
DETERMINERS = wordset(
    "a an the my our your their his her its each every all some any new of favorite favourite"
)
MEDIUM_CONTEXT = frozenset({"with", "for", "including", "about", "containing"})
CONNECTORS = frozenset({"and", "or", "plus", COMMA, "&"})
# Nouns that are also verbs; they are nouns when plural or after a determiner or a noun.
AMBIGUOUS = wordset(
    "record book note post message water walk review order run ride swim lift hike visit loan "
    "feed rent watch cook bake read practice train exercise travel pay match chat call text "
    "photo file store reserve study play work show trade swap repair"
)
_ADJECTIVE_ENDINGS = ("ly", "ous", "ful", "able", "ible", "ish", "less")
_LY_NOUNS = wordset("family supply fly jelly belly rally lily butterfly assembly ally reply")
_NAMED = re.compile(
    r"\b(?:called|named|titled|name it|call it)\s+[\"'“\u2018«]?([^\"'”\u2019».,!?\n]{1,60})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    """A noun the prompt names: its singular, the words before it in its phrase, how sure we are."""

    word: str
    modifiers: tuple[str, ...]
    strength: int
    position: int


@dataclass(frozen=True)
class Attribute:
    key: str
    position: int


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
        _is_noun(i, tokens, singulars, feature_words) and i not in attribute_at
        for i in range(len(tokens))
    ]
    return Extraction(
        tokens=tokens,
        singulars=singulars,
        terms=terms,
        features=features,
        feature_words=feature_words,
        mentions=_mentions(singulars, noun_at),
        attributes=attributes,
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


def _is_noun(
    i: int, tokens: tuple[Token, ...], singulars: tuple[str, ...], feature_words: frozenset[str]
) -> bool:
    token = tokens[i]
    word = singulars[i]
    if not token.is_word or len(word) < 3 or token.text in STOP_WORDS or word in STOP_WORDS:
        return False
    if word in feature_words or word in HEAD_WORDS or word in DETERMINERS:
        return False
    if word.endswith(_ADJECTIVE_ENDINGS) and word not in _LY_NOUNS and len(word) > 4:
        return False
    if word in AMBIGUOUS or word in lexicon.VERB_NOUNS:
        before = singulars[i - 1] if i else BREAK
        after = singulars[i + 1] if i + 1 < len(singulars) else BREAK
        plural_form = token.text != word
        after_noun = before not in STOP_WORDS and before not in (BREAK, COMMA)
        return plural_form or before in DETERMINERS or after_noun or after in HEAD_WORDS
    return True


def _mentions(singulars: tuple[str, ...], noun_at: list[bool]) -> tuple[Mention, ...]:
    """Noun phrases (runs of nouns; the last word is the head) with the strength of their context."""
    found: list[Mention] = []
    strength_carry = 0  # a connector keeps the strength of the phrase before it
    i = 0
    while i < len(singulars):
        if not noun_at[i]:
            word = singulars[i]
            if word in (BREAK,) or (word not in CONNECTORS and word not in DETERMINERS):
                strength_carry = 0
            i += 1
            continue
        start = i
        while i < len(singulars) and noun_at[i]:
            i += 1
        phrase = singulars[start:i]
        context = _context(singulars, start)
        after = singulars[i] if i < len(singulars) else BREAK
        strength = max(context, strength_carry, STRONG if after in HEAD_WORDS else WEAK)
        for offset, word in enumerate(phrase[:-1]):
            if lexicon.is_known_noun(word):
                found.append(Mention(word, (), max(strength, MEDIUM), start + offset))
        head = phrase[-1]
        modifiers = tuple(w for w in phrase[:-1] if not lexicon.is_known_noun(w))
        if lexicon.is_known_noun(head):
            strength = max(strength, MEDIUM)
        found.append(Mention(head, modifiers, strength, i - 1))
        strength_carry = strength if strength >= MEDIUM else 0
    return tuple(found)


def _context(singulars: tuple[str, ...], start: int) -> int:
    """How strongly the words before a phrase say it names records: skip determiners, look back."""
    j = start - 1
    while j >= 0 and singulars[j] in DETERMINERS and singulars[j] != "of":
        j -= 1
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


def _explicit_name(prompt: str) -> str | None:
    """A name the user gave the app ('called "Leafy"'), kept as their text."""
    match = _NAMED.search(prompt)
    if match is None:
        return None
    name = "".join(c for c in match.group(1) if c.isprintable()).strip()
    return name[:40].strip() or None
