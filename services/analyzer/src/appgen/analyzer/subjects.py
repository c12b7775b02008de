"""The user's nouns: which phrases of the prompt name the records the app keeps.

Every phrase the prompt lists ("with songs, setlists and gigs", "track A and B", "X: A, B, C")
is one. The phrase that names the app itself ("a *beekeeping* log", "*Flashcards* to learn …")
is one only when it names records too: when nothing is listed beside it, or when its head is a
word the lexicon or the domain knows as a kind of record ("a *habit* tracker with streaks", "a
band *rehearsal* planner with songs"), or when it is a plural ("*Flashcards* to learn …",
"*sewing projects* with patterns"). A singular that is only another word for a domain's
records ("orchid *care* log", "a *chat* app for my team") names the kind of app, and an
activity ("beekeeping"), a setting ("aquarium") or a field of interest ("travel itinerary") is
what the app is about. A lone
"for X" that is one of the domain's keywords ("an event planner for weddings") says what the
domain is for. Generic words ("app", "tracker", "system") never name records.
"""

from __future__ import annotations

from dataclasses import dataclass

from appgen.analyzer import lexicon
from appgen.analyzer.domains import Domain
from appgen.analyzer.extract import Extraction
from appgen.analyzer.patterns import HEAD_WORDS, MEDIUM
from appgen.analyzer.phrases import Mention
from appgen.analyzer.words import wordset

# A prompt that lists this many things has said what its records are; fewer leave room for a
# domain to add its own.
FEW_NOUNS = 3
GENERIC = HEAD_WORDS | wordset(
    "app application tool system software website thing stuff solution portal"
)


@dataclass(frozen=True)
class Nouns:
    """The user's nouns in the order written, one per word, then weaker candidates by rank."""

    subjects: tuple[Mention, ...]
    extras: tuple[Mention, ...]


def domain_words(domain: Domain | None) -> frozenset[str]:
    """Words (and two-word phrases) that name one of the domain's entities."""
    if domain is None:
        return frozenset()
    return frozenset(w for b in domain.entities for w in b.words)


def user_nouns(extraction: Extraction, domain: Domain | None) -> Nouns:
    """The nouns that name the app's records, and the weaker ones that may, for `domain`."""
    records = domain_words(domain)
    listed = [m for m in extraction.mentions if m.listed and _usable(m)]
    topics = [m for m in extraction.mentions if m.topic and _usable(m)]
    chosen: dict[str, Mention] = {}
    for mention in listed:
        if not _domain_purpose(mention, domain, records):
            chosen.setdefault(mention.word, mention)
    others = bool(chosen)
    for mention in topics:
        if _keeps_topic(mention, others, domain):
            chosen.setdefault(mention.word, mention)
    subjects = tuple(sorted(chosen.values(), key=lambda m: m.position))
    left = [
        m
        for m in (*extraction.mentions, *extraction.verb_nouns)
        if m.word not in chosen and not m.topic and not m.listed and _usable(m)
    ]
    extras = tuple(
        sorted((m for m in left if m.strength >= MEDIUM), key=lambda m: (-m.strength, m.position))
    )
    return Nouns(subjects, extras)


def _usable(mention: Mention) -> bool:
    # A plural in a list is a record ("drivers and companions"); `phrases` already kept
    # "apps, tools and settings" out.
    return mention.plural or mention.word not in GENERIC


def _keeps_topic(mention: Mention, others: bool, domain: Domain | None) -> bool:
    word = mention.word
    known = lexicon.is_known_noun(word) and lexicon.kind_of(word) is not lexicon.Kind.place
    if not others:
        # Alone, it names the records unless it only names the domain ("a *fitness* app").
        return domain is None or known or word not in set(domain.keywords) - domain_words(domain)
    names = {b.name.replace("_", " ") for b in domain.entities} if domain else set()
    own = known or word in names or mention.plural
    return own and not word.endswith("ing")


def _domain_purpose(mention: Mention, domain: Domain | None, records: frozenset[str]) -> bool:
    return (
        mention.purpose
        and domain is not None
        and mention.word in domain.keywords
        and mention.word not in records
    )
