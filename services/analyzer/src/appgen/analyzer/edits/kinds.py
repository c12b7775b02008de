"""A new field from the user's words: its identifier, label and type, and choices if listed.

The analyzer's lexicon comes first ("due date", "priority", "notes" mean what they mean when an
app is made); otherwise the words pick the type: "price" is money, "is urgent" a yes/no.
"""

from __future__ import annotations

from appgen.analyzer.edits.outcome import Refused
from appgen.analyzer.edits.phrases import MAX_LABEL, capitalised, ident, label
from appgen.analyzer.lexicon import ATTRIBUTES
from appgen.analyzer.words import humanize, singular, wordset
from appgen.spec import EntityField, FieldType

MAX_CHOICES = 20
# Checked in this order: the first rule a word meets gives the type.
TYPE_WORDS: tuple[tuple[FieldType, frozenset[str]], ...] = (
    (FieldType.image, wordset("photo picture image pic cover poster avatar thumbnail snapshot")),
    (FieldType.email, wordset("email mail")),
    (FieldType.phone, wordset("phone mobile telephone cell")),
    (FieldType.url, wordset("url link website homepage site")),
    (FieldType.rating, wordset("rating star")),
    (
        FieldType.money,
        wordset("price cost budget amount fee salary total spend spending income rent payment"),
    ),
    (FieldType.datetime, wordset("time datetime timestamp")),
    (FieldType.date, wordset("date deadline birthday anniversary due day")),
    (
        FieldType.long_text,
        wordset("note description detail comment review summary bio instruction ingredient"),
    ),
    (
        FieldType.boolean,
        wordset("done completed complete favorite favourite archived paid active watched"),
    ),
    (
        FieldType.number,
        wordset(
            "count number quantity minute hour calorie rep weight distance age year serving "
            "page score level height length duration point km mile kg step goal target"
        ),
    ),
)
CHECKBOX_WORDS = wordset("checkbox toggle flag switch tickbox")
# "is urgent", "has pets": a yes/no question about the record.
BOOLEAN_OPENERS = wordset("is has was are can needs")
# "finished on", "starts at": a date or a moment named by its preposition.
DATE_ENDINGS = {"on": FieldType.date, "at": FieldType.datetime}


def new_field(words: list[str], *, required: bool, choices: tuple[str, ...]) -> EntityField:
    """The field `words` (folded ASCII words, fillers gone) describe."""
    if len(words) > 1 and words[-1] in CHECKBOX_WORDS:
        # "a paid checkbox": the word says the type, not the name.
        return _field(ident(words[:-1]), FieldType.boolean, False)
    name = ident(words)
    if not name:
        raise Refused("A field needs a name made of letters, for example “add a due date”.")
    known = ATTRIBUTES.get(" ".join(singular(w) for w in words))
    if choices:
        return _field(name, FieldType.choice, required, choices=_choices(choices))
    if known is not None:
        return known().model_copy(update={"required": required})
    return _field(name, infer_type(words), required)


def infer_type(words: list[str]) -> FieldType:
    if words[0] in BOOLEAN_OPENERS and len(words) > 1:
        return FieldType.boolean
    if words[-1] in DATE_ENDINGS:
        return DATE_ENDINGS[words[-1]]
    singulars = {singular(w) for w in words}
    for kind, names in TYPE_WORDS:
        if singulars & names:
            return kind
    return FieldType.text


def _choices(raw: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for choice in raw:
        shaped = capitalised(label(choice))[:MAX_LABEL]
        if shaped and shaped.lower() not in {s.lower() for s in seen}:
            seen[shaped] = None
    if len(seen) < 2:
        raise Refused(
            "A choice field needs at least two options, for example "
            "“add priority to tasks: low, medium, high”."
        )
    if len(seen) > MAX_CHOICES:
        raise Refused(f"A choice field can have at most {MAX_CHOICES} options.")
    return tuple(seen)


def _field(
    name: str, kind: FieldType, required: bool, choices: tuple[str, ...] = ()
) -> EntityField:
    # Yes/no fields are never required: "no" is an answer too.
    return EntityField(
        name=name,
        label=humanize(name)[:MAX_LABEL],
        type=kind,
        required=required and kind is not FieldType.boolean,
        choices=choices,
    )
