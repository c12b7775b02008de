"""Choosing the entities: the user's nouns first, with what a domain knows added around them.

Every noun the prompt names as something to keep becomes an entity under the user's word (see
`subjects`), or stays a field when a domain entity already has it ("guests and RSVPs"). A
domain blueprint that one of them names gives that entity its fields; a noun no blueprint
covers gets fields from its kind. A domain then adds its core entities when the prompt names
fewer than three things itself, and the entities the prompt mentions in passing. Weaker nouns
(known to the lexicon but not listed) add up to three entities to a domain's app, and fill a
custom app up to five. Then the features asked for add fields (photo, rating, favourite,
category, tag, a date) and a reminder, and every entity gets a text title.
"""

from __future__ import annotations

from appgen.analyzer import lexicon
from appgen.analyzer.domains import Domain, EntityBlueprint
from appgen.analyzer.domains.base import (
    boolean,
    choice,
    date,
    datetime,
    entity,
    image,
    rating,
    text,
)
from appgen.analyzer.drafts import (
    Draft,
    claim,
    custom,
    ensure_title,
    follow_renames,
    from_blueprint,
)
from appgen.analyzer.extract import Extraction
from appgen.analyzer.patterns import MEDIUM
from appgen.analyzer.phrases import Mention
from appgen.analyzer.subjects import FEW_NOUNS, Nouns, user_nouns
from appgen.analyzer.words import singular
from appgen.spec import Entity, Feature, FieldType

MAX_ENTITIES = 8
MAX_EXTRAS = 3
MAX_CUSTOM = 5
# How many tokens after an entity's name a field word still belongs to it ("books with their price").
ATTRIBUTE_REACH = 4
TAGS = ("Important", "Later", "Idea", "Shared")
GENERIC_CATEGORIES = ("General", "Personal", "Work", "Other")
# The photo field takes the user's word for it ("with pictures").
PHOTO_WORDS = ("photo", "picture", "image", "snapshot")
# Kinds of draft, in the order they keep their place when there are too many.
NAMED, FILLED, EXTRA = 0, 1, 2


def plan_entities(extraction: Extraction, domain: Domain | None) -> tuple[Entity, ...]:
    """The app's entities, primary first, with the fields the prompt and its features ask for."""
    nouns = user_nouns(extraction, domain)
    features = extraction.features | (domain.features if domain else frozenset())
    room = MAX_ENTITIES - (1 if Feature.reminders in features else 0)
    if domain is not None:
        drafts = _from_domain(extraction, domain, nouns, room)
    else:
        drafts = _from_nouns(extraction, nouns, room)
    if not drafts:
        drafts = [custom(Mention("item", (), MEDIUM, 0))]
    _link_happenings(drafts)
    _attach_attributes(extraction, drafts)
    _apply_features(extraction, drafts, domain)
    for draft in drafts:
        ensure_title(draft)
    known = {d.name for d in drafts}
    return tuple(d.freeze(known) for d in drafts)


def _from_domain(extraction: Extraction, domain: Domain, nouns: Nouns, room: int) -> list[Draft]:
    """Blueprint drafts in the domain's order, then the user's other nouns in the prompt's."""
    claimed: dict[str, tuple[int, Draft]] = {}
    by_topic: set[str] = set()
    taken = {b.name for b in domain.entities}
    renamed: dict[str, str] = {}
    unmatched: list[Mention] = []
    for mention in nouns.subjects:
        # "a pet app for my dogs": the dogs are the records the app's own word named.
        free = set(claimed) - (by_topic if mention.purpose else set())
        found = _match(domain, mention, extraction, free)
        if found is None:
            unmatched.append(mention)
            continue
        blueprint, term = found
        draft = claim(blueprint, mention, term, taken=taken, as_list=_as_list(extraction, mention))
        claimed[blueprint.name] = (NAMED, draft)
        taken.add(draft.name)
        renamed[blueprint.name] = draft.name
        if mention.topic:
            by_topic.add(blueprint.name)
    _fill(extraction, domain, nouns, claimed)
    fields = {singular(f.name) for _, d in claimed.values() for f in d.fields if not f.reference}
    customs: list[tuple[int, Draft]] = []
    for mention in unmatched:
        if mention.word not in fields:  # "guests and RSVPs": each guest's RSVP
            _add_custom(customs, claimed, mention, extraction, NAMED)
    extras = [m for m in nouns.extras if not _covered(m, [d for _, d in claimed.values()])]
    for mention in extras[:MAX_EXTRAS]:
        _add_custom(customs, claimed, mention, extraction, EXTRA)
    order = {b.name: i for i, b in enumerate(domain.entities)}
    ranked = [(kind, order[name], d) for name, (kind, d) in claimed.items()]
    ranked += [(kind, len(order) + i, d) for i, (kind, d) in enumerate(customs)]
    kept = sorted(sorted(ranked, key=lambda r: (r[0], r[1]))[:room], key=lambda r: r[1])
    drafts = [d for _, _, d in kept]
    follow_renames(drafts, {old: new for old, new in renamed.items() if old != new})
    return drafts


def _fill(
    extraction: Extraction, domain: Domain, nouns: Nouns, claimed: dict[str, tuple[int, Draft]]
) -> None:
    """The domain's core entities when the prompt names few things, and the entities it
    mentions in passing ("comment on posts")."""
    # Words inside the user's phrases ("lift tickets") or naming the app ("orchid care log")
    # do not name the domain's records.
    used = {w for m in nouns.subjects for w in m.modifiers}
    used |= {w for m in extraction.mentions if m.topic for w in (*m.modifiers, m.word)}
    for blueprint in domain.entities:
        core = blueprint.core and len(nouns.subjects) < FEW_NOUNS
        named = any(extraction.has(w) and w not in used for w in blueprint.words)
        if blueprint.name not in claimed and (core or named):
            claimed[blueprint.name] = (FILLED, from_blueprint(blueprint))


def _from_nouns(extraction: Extraction, nouns: Nouns, room: int) -> list[Draft]:
    customs: list[tuple[int, Draft]] = []
    for mention in nouns.subjects:
        _add_custom(customs, {}, mention, extraction, NAMED)
    extras = list(nouns.extras)
    if not customs and not extras:
        counts: dict[str, int] = {}
        for m in extraction.mentions:
            counts[m.word] = counts.get(m.word, 0) + 1
        extras = sorted(extraction.mentions, key=lambda m: (-counts[m.word], m.position))
    for mention in extras:
        if len(customs) >= MAX_CUSTOM:
            break
        _add_custom(customs, {}, mention, extraction, EXTRA)
    return [d for _, d in customs[:room]]


def _add_custom(
    customs: list[tuple[int, Draft]],
    claimed: dict[str, tuple[int, Draft]],
    mention: Mention,
    extraction: Extraction,
    kind: int,
) -> None:
    existing = [d for _, d in customs] + [d for _, d in claimed.values()]
    # A noun the user listed is covered only by an entity of that name: "decks, sets" are two.
    if kind == NAMED:
        existing = [d for d in existing if d.name == mention.word]
    if not _covered(mention, existing):
        customs.append((kind, custom(mention, as_list=_as_list(extraction, mention))))


def _match(
    domain: Domain, mention: Mention, extraction: Extraction, claimed: set[str]
) -> tuple[EntityBlueprint, str] | None:
    """The unclaimed blueprint the noun names, and the word or phrase it used for it."""
    terms = [(mention.word, mention.word)]  # (what a blueprint may call it, the user's term)
    if mention.modifiers:
        phrase = f"{mention.modifiers[-1]} {mention.word}"
        terms.insert(0, (phrase, phrase))
    if _as_list(extraction, mention):
        terms.append((f"{mention.word} list", mention.word))
    for lookup, term in terms:
        for blueprint in domain.entities:
            if blueprint.name not in claimed and lookup in blueprint.words:
                return blueprint, term
    return None


def _as_list(extraction: Extraction, mention: Mention) -> bool:
    """Whether the prompt calls these records a list ("a shopping list", "my todo list")."""
    after = mention.position + 1
    return after < len(extraction.singulars) and extraction.singulars[after] == "list"


def _covered(mention: Mention, drafts: list[Draft]) -> bool:
    """Whether a draft already has this noun, alone or with the word before it ('vet visit')."""
    phrase = f"{mention.modifiers[-1]} {mention.word}" if mention.modifiers else ""
    return any(mention.word in (d.name, *d.words) or phrase in d.words for d in drafts)


def _link_happenings(drafts: list[Draft]) -> None:
    """A custom happening (a loan, a visit) refers to the custom things and people it involves."""
    targets = [d for d in drafts if lexicon.kind_of(d.name) is not lexicon.Kind.happening]
    for draft in drafts:
        if not draft.custom or lexicon.kind_of(draft.name) is not lexicon.Kind.happening:
            continue
        for target in targets[:2]:
            draft.add_ref(target.name, at=1)


def _attach_attributes(extraction: Extraction, drafts: list[Draft]) -> None:
    """A field listed beside records goes to the first of them ('games, players and scores');
    'books with their rating' to the entity named last before it; else to the first entity."""
    entity_words = {w for d in drafts for w in (d.name, *d.words)}
    for attribute in extraction.attributes:
        if attribute.key in entity_words:
            continue
        owner = next((d for d in drafts if attribute.owner == d.position is not None), None)
        if owner is None:
            owner = drafts[0]
            for mention in extraction.mentions:
                if mention.position > attribute.position:
                    break
                if attribute.position - mention.position > ATTRIBUTE_REACH:
                    continue
                owner = next((d for d in drafts if mention.word in (d.name, *d.words)), owner)
        owner.add(lexicon.ATTRIBUTES[attribute.key]())


def _apply_features(extraction: Extraction, drafts: list[Draft], domain: Domain | None) -> None:
    features = extraction.features | (domain.features if domain else frozenset())
    primary = drafts[0]
    if Feature.photos in features and not primary.has_type(FieldType.image):
        primary.add(image(next((w for w in PHOTO_WORDS if extraction.has(w)), "photo")))
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
    reminder = from_blueprint(
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
