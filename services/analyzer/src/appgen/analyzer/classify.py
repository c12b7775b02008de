"""Picking the domain a prompt is about, if any: a keyword score with deterministic tie-breaks."""

from __future__ import annotations

from appgen.analyzer.domains import DOMAINS, Domain
from appgen.analyzer.extract import AMBIGUOUS, Extraction

KEYWORD, ENTITY_WORD = 3, 2
THRESHOLD = 3


def score(domain: Domain, extraction: Extraction) -> int:
    """Distinct keywords and entity words the prompt uses; verbs like 'book' count only as nouns."""
    nouns = {m.word for m in extraction.mentions}
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
    return best
