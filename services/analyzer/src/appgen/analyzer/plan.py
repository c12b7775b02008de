"""Choosing the entities: the domain's, plus what the prompt names that the domain lacks.

An app from a domain keeps its core entities, gains the optional ones the prompt mentions, and
gains up to three entities of its own for nouns the domain does not cover. A prompt no domain
matches gets its entities from its nouns alone. Either way the features asked for then add
fields (photo, rating, favourite, category, tag, a date) and a reminder entity.
"""

from __future__ import annotations

from dataclasses import dataclass

from appgen.analyzer import lexicon
from appgen.analyzer.domains import DOMAINS, Domain, EntityBlueprint
from appgen.analyzer.domains.base import (
    boolean,
    choice,
    date,
    datetime,
    email,
    entity,
    image,
    long_text,
    phone,
    rating,
    ref,
    text,
)
from appgen.analyzer.extract import MEDIUM, Extraction, Mention
from appgen.analyzer.words import humanize, plural
from appgen.spec import Entity, EntityField, Feature, FieldType

MAX_ENTITIES = 8
MAX_EXTRAS = 3
MAX_CUSTOM = 5
# How many tokens after an entity's name a field word still belongs to it ("books with their price").
ATTRIBUTE_REACH = 4
TAGS = ("Important", "Later", "Idea", "Shared")
GENERIC_CATEGORIES = ("General", "Personal", "Work", "Other")


@dataclass
class Draft:
    """An entity being assembled: mutable until it becomes a spec `Entity`."""

    name: str
    label: str
    plural: str
    icon: str
    fields: list[EntityField]
    title_field: str
    words: tuple[str, ...]
    custom: bool = False

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)

    def has_type(self, *types: FieldType) -> bool:
        return any(f.type in types for f in self.fields)

    def add(self, field: EntityField) -> None:
        if not self.has(field.name) and len(self.fields) < 40:
            self.fields.append(field)

    def add_ref(self, target: str, *, at: int | None = None) -> None:
        """A reference field to `target`, named after it unless that name is taken."""
        if any(f.reference == target for f in self.fields):
            return
        field = ref(target, target if not self.has(target) else f"{target}_ref")
        self.fields.insert(len(self.fields) if at is None else at, field)

    def freeze(self, known: set[str]) -> Entity:
        fields = tuple(f for f in self.fields if f.reference is None or f.reference in known)
        return Entity(
            name=self.name,
            label=self.label,
            plural=self.plural,
            icon=self.icon,
            fields=fields,
            title_field=self.title_field,
        )


def plan_entities(extraction: Extraction, domain: Domain | None) -> tuple[Entity, ...]:
    """The app's entities, primary first, with the fields the prompt and its features ask for."""
    drafts = _from_domain(extraction, domain) if domain else _from_nouns(extraction)
    if not drafts:
        drafts = [_custom(Mention("item", (), MEDIUM, 0), [])]
    _link_happenings(drafts)
    _attach_attributes(extraction, drafts)
    _apply_features(extraction.features, drafts, domain)
    known = {d.name for d in drafts}
    return tuple(d.freeze(known) for d in drafts)


def _draft(blueprint: EntityBlueprint) -> Draft:
    return Draft(
        blueprint.name,
        blueprint.label,
        blueprint.plural,
        blueprint.icon,
        list(blueprint.fields),
        blueprint.title_field,
        blueprint.words,
    )


def _from_domain(extraction: Extraction, domain: Domain) -> list[Draft]:
    drafts = [
        _draft(b) for b in domain.entities if b.core or any(extraction.has(w) for w in b.words)
    ]
    covered = set(domain.keywords) | {w for b in domain.entities for w in b.words}
    extras = [m for m in _ranked(extraction) if m.strength >= MEDIUM and not _covered(m, covered)]
    _add_customs(drafts, extras, MAX_EXTRAS)
    return drafts


def _from_nouns(extraction: Extraction) -> list[Draft]:
    ranked = _ranked(extraction)
    chosen = [m for m in ranked if m.strength >= MEDIUM]
    if not chosen:
        counts: dict[str, int] = {}
        for m in ranked:
            counts[m.word] = counts.get(m.word, 0) + 1
        chosen = sorted(ranked, key=lambda m: (-counts[m.word], m.position))
    drafts: list[Draft] = []
    _add_customs(drafts, chosen, MAX_CUSTOM)
    return drafts


def _covered(mention: Mention, words: set[str]) -> bool:
    """Whether a domain already has this noun, alone or with the word before it ('vet visit')."""
    phrase = f"{mention.modifiers[-1]} {mention.word}" if mention.modifiers else ""
    return mention.word in words or phrase in words


def _ranked(extraction: Extraction) -> list[Mention]:
    mentions = [*extraction.mentions, *extraction.verb_nouns]
    return sorted(mentions, key=lambda m: (-m.strength, m.position))


def _add_customs(drafts: list[Draft], mentions: list[Mention], limit: int) -> None:
    added = 0
    for mention in mentions:
        if added >= limit or len(drafts) >= MAX_ENTITIES:
            return
        if any(_covered(mention, {d.name, *d.words}) for d in drafts):
            continue
        drafts.append(_custom(mention, drafts))
        added += 1


def _library_blueprint(word: str) -> EntityBlueprint | None:
    for domain in DOMAINS:
        for blueprint in domain.entities:
            if blueprint.name == word:
                return blueprint
    return None


def _custom(mention: Mention, existing: list[Draft]) -> Draft:
    word = mention.word
    known = _library_blueprint(word)
    if known is not None:
        return _draft(known)
    modifiers = list(mention.modifiers[-2:])
    label = humanize(" ".join([*modifiers, word]))
    plural_label = humanize(" ".join([*modifiers, plural(word)]))
    kind = lexicon.kind_of(word)
    icon = (
        lexicon.ICONS.get(word)
        or lexicon.ICONS.get(modifiers[-1] if modifiers else "")
        or (lexicon.KIND_ICONS[kind])
    )
    fields = _kind_fields(kind, word)
    if kind is lexicon.Kind.thing and (
        word in lexicon.COLLECTIBLES or any(m in lexicon.COLLECTIBLES for m in modifiers)
    ):
        fields.insert(1, image("photo"))
    title = fields[0].name
    return Draft(word, label[:80], plural_label[:80], icon, fields, title, (word,), custom=True)


def _kind_fields(kind: lexicon.Kind, word: str) -> list[EntityField]:
    if kind is lexicon.Kind.person:
        return [text("name", required=True), email(), phone(), long_text("notes")]
    if kind is lexicon.Kind.place:
        return [
            text("name", required=True),
            text("address"),
            rating(),
            boolean("visited"),
            long_text("notes"),
        ]
    if kind is lexicon.Kind.happening:
        fields = [date("date", required=True), long_text("notes")]
        if word == "loan":
            fields += [date("due_back"), boolean("returned")]
        return fields
    return [text("name", required=True), long_text("description"), date("added_on")]


def _link_happenings(drafts: list[Draft]) -> None:
    """A custom happening (a loan, a visit) refers to the custom things and people it involves."""
    targets = [d for d in drafts if lexicon.kind_of(d.name) is not lexicon.Kind.happening]
    for draft in drafts:
        if not draft.custom or lexicon.kind_of(draft.name) is not lexicon.Kind.happening:
            continue
        for target in targets[:2]:
            draft.add_ref(target.name, at=1)


def _attach_attributes(extraction: Extraction, drafts: list[Draft]) -> None:
    """'books with their rating': a field goes to the entity named last before it, else the first."""
    entity_words = {w for d in drafts for w in (d.name, *d.words)}
    for attribute in extraction.attributes:
        if attribute.key in entity_words:
            continue
        owner = drafts[0]
        for mention in extraction.mentions:
            if mention.position > attribute.position:
                break
            if attribute.position - mention.position > ATTRIBUTE_REACH:
                continue
            owner = next((d for d in drafts if mention.word in (d.name, *d.words)), owner)
        owner.add(lexicon.ATTRIBUTES[attribute.key]())


def _apply_features(
    features: frozenset[Feature], drafts: list[Draft], domain: Domain | None
) -> None:
    primary = drafts[0]
    if Feature.photos in features and not primary.has_type(FieldType.image):
        primary.add(image("photo"))
    if Feature.ratings in features and not primary.has_type(FieldType.rating):
        primary.add(rating())
    if Feature.favorites in features:
        primary.add(boolean("favorite"))
    if Feature.categories in features:
        primary.add(choice("category", *(domain.categories if domain else GENERIC_CATEGORIES)))
    if Feature.tags in features:
        primary.add(choice("tag", *TAGS))
    if Feature.calendar in features and not any(
        d.has_type(FieldType.date, FieldType.datetime) for d in drafts
    ):
        primary.add(date("date"))
    if Feature.reminders in features and not any(d.name == "reminder" for d in drafts):
        drafts.append(_reminder(primary))
    del drafts[MAX_ENTITIES:]


def _reminder(about: Draft) -> Draft:
    reminder = _draft(
        entity(
            "reminder",
            "⏰",
            text("title", required=True),
            datetime("remind_at", required=True),
            boolean("done"),
            title="title",
        )
    )
    reminder.add_ref(about.name)
    return reminder
