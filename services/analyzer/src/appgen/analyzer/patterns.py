"""The words phrase patterns are made of: verbs that introduce records, the heads that name an
app ("tracker", "log"), determiners, list connectors, and nouns that are also verbs.

Every entry is a singular lower-case word, as `words.singular` produces them.
"""

from __future__ import annotations

from appgen.analyzer.words import BREAK, COMMA, wordset

STRONG, MEDIUM, WEAK = 3, 2, 1

PATTERN_VERBS = wordset(
    "track manage log organize organise plan catalog catalogue collect record keep list "
    "monitor follow store save remember count rate review share browse sell buy schedule "
    "book"
)
HEAD_WORDS = wordset(
    "tracker tracking app application planner manager log logger list organizer organiser diary "
    "keeper catalog catalogue database inventory hub companion assistant collection system "
    "logbook portal scheduler toolkit workspace"
)
DETERMINERS = wordset(
    "a an the my our your their his her its each every all some any new of favorite favourite"
)
MEDIUM_CONTEXT = frozenset({"with", "for", "including", "about", "containing"})
CONNECTORS = frozenset({"and", "or", "plus", COMMA})
# Nouns that are also verbs; they are nouns when plural or after a determiner or a noun.
AMBIGUOUS = wordset(
    "record book note post message water walk review order run ride swim lift hike visit loan "
    "feed rent watch cook bake read practice train exercise travel pay match chat call text "
    "photo file store reserve study play work show trade swap repair"
)
# Before these an ambiguous or stop-listed word still stands where a noun goes ("…, water tests").
NOUN_PLACE = frozenset({BREAK, COMMA, "and", "or", "plus", "with", "for", "of", "including"})
# "for learning Spanish": an -ing word after these, with an object, is a verb.
GERUND_VERB_AFTER = frozenset({"for", "about", "by"})
# A pronoun after a phrase starts a clause about it ("the movies I watch and the cinemas …").
PRONOUNS = wordset("i we you they he she")
