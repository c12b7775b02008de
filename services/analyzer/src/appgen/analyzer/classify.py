"""Picking the domain a prompt is about, if any: a keyword score with deterministic tie-breaks.

A domain must also hold one of the things a prompt lists when it lists several: a "woodworking
shop log" of projects, lumber and clamps scores for the shop domain but is no shop.
"""

from __future__ import annotations

from appgen.analyzer.domains import DOMAINS, Domain
from appgen.analyzer.extract import Extraction
from appgen.analyzer.patterns import AMBIGUOUS
from appgen.analyzer.subjects import FEW_NOUNS, domain_words, user_nouns

KEYWORD, ENTITY_WORD = 3, 2
THRESHOLD = 3


def score(domain: Domain, extraction: Extraction) -> int:
    """Distinct keywords and entity words the prompt uses; verbs like 'book' count only as nouns."""
    nouns = {w for m in extraction.mentions for w in (m.word, *m.modifiers)}
    hits: dict[str, int] = {}

    def counts(term: str) -> bool:
        return extraction.has(term) and (term not in AMBIGUOUS or term in nouns)

    for keyword in domain.keywords:
        if counts(keyword):
            hits[keyword] = KEYWORD
    for blueprint in domain.entities:
        for word in blueprint.words:
            if counts(word):
                hits.setdefault(word, ENTITY_WORD)
    return sum(hits.values())


def classify(extraction: Extraction) -> Domain | None:
    """The best-scoring domain over the threshold; the library's order breaks ties."""
    best: Domain | None = None
    best_score = THRESHOLD - 1
    for domain in DOMAINS:
        value = score(domain, extraction)
        if value > best_score:
            best, best_score = domain, value
    if best is not None and not _holds_a_listed_noun(best, extraction):
        return None
    return best


def _holds_a_listed_noun(domain: Domain, extraction: Extraction) -> bool:
    nouns = user_nouns(extraction, domain).subjects
    words = domain_words(domain)
    return len(nouns) < FEW_NOUNS or any(
        m.word in words or (m.modifiers and f"{m.modifiers[-1]} {m.word}" in words) for m in nouns
    )
