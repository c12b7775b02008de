"""Reading the words of an edit: comparing names without caring about case, accents, articles
or plurals, and shaping the user's words into labels and identifiers safely."""

from __future__ import annotations

import re

from appgen.analyzer.words import fold, humanize, identifier, plural, singular, wordset

# Words that never tell one list, field or screen from another.
FILLER = wordset(
    "a an the my our your their its this that all some new field fields column columns "
    "entity entities called named"
)
MAX_LABEL = 80
QUOTES = "\"'“”\u2018\u2019`«»"


def ascii_words(text: str) -> list[str]:
    """The ASCII words of `text`, folded to lower case: the only source of identifiers."""
    return re.findall(r"[a-z][a-z0-9]*", fold(text))


def content_words(text: str) -> list[str]:
    return [w for w in ascii_words(text) if w not in FILLER]


def key(text: str) -> str:
    """A comparison key: 'the Workout Plans' and 'workout plan' give the same one."""
    return " ".join(singular(w) for w in content_words(text.replace("_", " ").replace("-", " ")))


def ident(words: list[str]) -> str:
    return identifier(words)


def label(text: str) -> str:
    """The user's own words as a display label: unquoted, one line, at most 80 characters."""
    cleaned = " ".join(text.split()).strip(QUOTES + " .!?,;:")
    cleaned = cleaned.strip(QUOTES + " ")
    return cleaned[:MAX_LABEL].rstrip()


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def entity_labels(words: list[str]) -> tuple[str, str, str]:
    """Identifier, singular label and plural label for a kind of record named by `words`."""
    singulars = [*words[:-1], singular(words[-1])]
    name = identifier(singulars)
    one = humanize(" ".join(singulars))[:MAX_LABEL]
    many = humanize(" ".join([*singulars[:-1], plural(singulars[-1])]))[:MAX_LABEL]
    return name, one, many


def listed(labels: list[str], joiner: str = "and") -> str:
    """'Tasks', 'Tasks and Projects', 'Tasks, Notes and Projects'."""
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + f" {joiner} " + labels[-1]


def bare(phrase: str) -> str:
    """The phrase without the filler words around it, in the user's own case: "the Notes field"
    → "Notes"."""
    words = phrase.split()
    while words and words[0].lower() in FILLER:
        words.pop(0)
    while words and words[-1].lower() in FILLER:
        words.pop()
    return " ".join(words)
