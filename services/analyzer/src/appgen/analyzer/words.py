"""Words: a small tokenizer, stop words, and English plural rules. No NLP library, no I/O.

Identifiers in the spec are derived only from the ASCII letters these functions return, so
whatever a prompt contains (markup, paths, template syntax, other scripts) cannot reach a
file name or a route.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words longer than this are noise (hashes, pasted blobs), never names of things.
MAX_WORD = 24
BREAK = "|"
COMMA = ","

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[,&.;:!?()\[\]{}<>/\\|\"]|[^\x00-\x7f\s]+")
_CONTRACTIONS = {"s", "d", "ll", "re", "ve", "m", "t"}


@dataclass(frozen=True)
class Token:
    """A lower-case ASCII word, a COMMA, or a BREAK (other punctuation, other scripts).

    `possessive` marks "dog's": the word owns the phrase after it rather than modifying it.
    """

    text: str
    index: int
    possessive: bool = False

    @property
    def is_word(self) -> bool:
        return self.text not in (BREAK, COMMA)


def fold(text: str) -> str:
    """Lower-case and strip accents, so 'Café' and 'cafe' are the same word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokenize(text: str) -> list[Token]:
    """Words and breaks, in order. Punctuation and non-ASCII runs become breaks between phrases."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(fold(text)):
        raw, suffix = match.group(), ""
        if raw in (COMMA, "&"):
            # "A, B & C": an ampersand joins a list the way a comma does.
            word = COMMA
        elif raw[0].isascii() and raw[0].isalpha():
            word, _, suffix = raw.partition("'")
            if len(word) > MAX_WORD or (suffix and suffix not in _CONTRACTIONS):
                word = BREAK
        else:
            word = BREAK
        if word == BREAK and tokens and tokens[-1].text == BREAK:
            continue
        tokens.append(Token(word, len(tokens), possessive=suffix == "s"))
    return tokens


def wordset(text: str) -> frozenset[str]:
    """A set of words written as one string, the way word lists read best."""
    return frozenset(text.split())


STOP_WORDS = wordset(
    """
    a an the and or but nor so yet if then else than that this these those there here where when
    which who whom whose what why how all any each every some no not only own same such too very
    just also can could will would shall should may might must do does did done doing be is are
    was were been being am have has had having get gets got getting i me my mine myself we us our
    ours you your yours he him his she her hers it its they them their theirs one ones to of in on
    at by for from with without into onto about above below over under up down out off again once
    as until while during before after between through per via like want wants need needs please
    make makes build builds create creates give let lets help helps allow allows use uses using
    simple basic small little nice cool beautiful modern clean easy quick fast good great best new
    big lot lots many much more most other others thing things stuff app apps application
    applications tool tools website site web mobile phone android ios platform system software
    program something anything everything someone everyone anyone people's way ways able also
    well really maybe kind sort type types etc e g ie eg don doesn didn isn aren wasn weren won
    can't couldn shouldn wouldn i'm i'd i'll i've it's let's that's what's
    sure keep keeps kept track tracks tracking tracker trackers manage manages managing management
    manager log logs logging organize organise organizes organizing organizer planner plan plans
    planning day daily week weekly month monthly year yearly today time times list lists
    organizer keeper hub assistant companion buddy helper want love enjoy try start finish
    complete mark set choose pick add edit delete update remove check know tell ask come take
    put bring find think feel live own owe lend lent borrow borrowed lending different
    important favorite favourite current upcoming past recent old young full whole single
    multiple several few various free online private public local real cute fun smart
    minimal minimalist elegant colorful colourful pretty sleek intuitive powerful lightweight
    responsive first last next previous remember monitor follow collect save browse discover
    learn write explore sort group assign invite send receive
    catalog catalogue catalogs overview summary easily quickly whenever wherever also yes

    see view show shows display lets look looks go going things based where which whether plus
    each include includes including feature features support supports supporting user users
    everyday personal family friendly home screen screens page pages dashboard settings
    """
)

# Irregular and awkward plurals; everything else follows the suffix rules below.
_IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "leaves": "leaf",
    "loaves": "loaf",
    "wolves": "wolf",
    "shelves": "shelf",
    "halves": "half",
    "calves": "calf",
    "knives": "knife",
    "wives": "wife",
    "lives": "life",
    "thieves": "thief",
    "scarves": "scarf",
    "data": "data",
    "criteria": "criterion",
    "analyses": "analysis",
    "quizzes": "quiz",
    "cacti": "cactus",
    "fungi": "fungus",
    "indices": "index",
    "appendices": "appendix",
    "media": "media",
}
_UNCHANGED = wordset(
    "series species news fish sheep deer moose aircraft equipment furniture information "
    "advice luggage software hardware fitness business mathematics physics economics "
    "gymnastics athletics politics ethics aerobics yoga class glass grass boss address "
    "process access success progress chess dress mess stress fitness wellness status bus "
    "campus virus bonus focus census cactus canvas atlas gas plus this his is was has does "
    "analysis basis crisis diagnosis thesis tennis lens always perhaps various previous "
    "famous delicious nervous serious jealous anxious gorgeous generous "
    # Mass nouns people list as things to keep ("hikes, trails and gear").
    "gear lumber loot homework weather jewelry jewellery clothing firewood compost mulch "
    "research feedback staff wildlife care maintenance"
)
# Words in -ies whose singular is -ie, not -y.
_IE = wordset(
    "movie cookie calorie pie tie lie rookie zombie selfie smoothie goalie brownie veggie "
    "freebie genie hippie prairie sortie boogie aussie"
)
# Words in -oes whose singular ends in -oe.
_OE = wordset("shoe toe canoe hoe oboe foe")
# Words in -ches/-shes/-xes/-zes that only drop the -s.
_E_ENDINGS = wordset("headache niche cache avalanche moustache mustache size prize")


def singular(word: str) -> str:
    """The singular of an English noun, by rule; already-singular words come back unchanged."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _UNCHANGED or len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        stem = word[:-3]
        return stem + "ie" if stem + "ie" in _IE else stem + "y"
    if word.endswith("oes"):
        stem = word[:-2]
        return stem + "e" if stem + "e" in _OE else stem
    if word.endswith(("ches", "shes", "xes", "sses", "zzes")):
        if word[:-1] in _E_ENDINGS:
            return word[:-1]
        return word[:-4] if word.endswith("zzes") else word[:-2]
    if word.endswith("uses") and len(word) >= 5 and word[-5] not in "aeiou":
        return word[:-2]
    return word[:-1]


def plural(word: str) -> str:
    """The plural of a singular English noun (the inverse of `singular` for the words we make)."""
    for many, one in _IRREGULAR.items():
        if one == word and many != word:
            return many
    if word in _UNCHANGED and not word.endswith(("ss", "us")):
        return word
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("o") and word in {"tomato", "potato", "hero", "echo", "mango", "volcano"}:
        return word + "es"
    return word + "s"


def identifier(words: list[str], *, limit: int = 40, sep: str = "_") -> str:
    """An identifier from ASCII words: lower case, starts with a letter, at most `limit` long."""
    cleaned = [re.sub(r"[^a-z0-9]", "", w.lower()) for w in words]
    joined = sep.join(w for w in cleaned if w)
    joined = joined.lstrip("0123456789" + sep)
    return joined[:limit].rstrip(sep)


def humanize(name: str) -> str:
    """'last_watered' → 'Last watered': a label for a field or entity made from its identifier."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def title_case(words: list[str]) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in words if w)
