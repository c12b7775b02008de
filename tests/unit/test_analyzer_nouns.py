"""The rules analyzer keeps the user's nouns: lists, topics, renamed blueprints, values as fields."""

from __future__ import annotations

import pytest

from appgen.analyzer import analyze
from appgen.analyzer.extract import extract
from appgen.spec import AppSpec, FieldType

pytestmark = pytest.mark.unit


def names(spec: AppSpec) -> list[str]:
    return [e.name for e in spec.entities]


def plurals(spec: AppSpec) -> list[str]:
    return [e.plural for e in spec.entities]


def test_a_domain_blueprint_takes_the_users_word_not_the_other_way_round() -> None:
    spec = analyze("Band rehearsal planner with songs, setlists and gigs")
    assert spec.domain == "music"
    assert names(spec)[:3] == ["song", "setlist", "gig"]
    assert not {"playlist", "concert"} & set(names(spec))
    # The blueprint still gives the fields: a gig is dated and has a venue.
    assert spec.entity("gig").field("venue").type is FieldType.text


def test_references_follow_a_renamed_blueprint() -> None:
    spec = analyze("a pet app for my dogs")
    assert names(spec) == ["dog", "care_log"]
    assert spec.entity("care_log").field("dog").reference == "dog"


@pytest.mark.parametrize(
    "prompt",
    [
        "Aquarium manager: tanks, fish and water tests",
        "Aquarium manager with tanks, fish & water tests",
        "aquarium app for tanks, fish plus water tests",
        "track my tanks, fish and water tests",
    ],
)
def test_every_list_shape_gives_the_same_records(prompt: str) -> None:
    spec = analyze(prompt)
    assert names(spec) == ["tank", "fish", "test"]
    assert plurals(spec) == ["Tanks", "Fish", "Water tests"]


def test_the_apps_own_topic_is_not_a_record_when_records_are_listed() -> None:
    spec = analyze("Beekeeping log for hives, inspections and honey harvests")
    assert names(spec) == ["hive", "inspection", "harvest"]
    alone = analyze("a beekeeping log")
    assert names(alone) == ["beekeeping"]


def test_a_topic_that_names_records_stays_beside_the_list() -> None:
    assert names(analyze("Habit tracker with goals"))[:1] == ["habit"]
    assert "flashcard" in names(analyze("Flashcards to learn Spanish vocabulary with decks"))


def test_values_listed_beside_records_are_fields_of_the_first() -> None:
    spec = analyze("Board game night organizer: games, players and scores")
    assert names(spec) == ["game", "player"]
    assert spec.entity("game").field("score").type is FieldType.number
    habits = analyze("Habit tracker with daily streaks")
    assert habits.entity("habit").field("streak").type is FieldType.number


def test_a_listed_noun_that_is_already_a_field_stays_a_field() -> None:
    spec = analyze("an event planner with guests and RSVPs")
    assert names(spec) == ["event", "guest"]
    assert spec.entity("guest").field("rsvp").type is FieldType.choice


def test_a_domain_none_of_the_listed_records_belongs_to_is_not_the_apps() -> None:
    spec = analyze("Woodworking shop log: projects, lumber, finishes and clamps")
    assert spec.domain == "custom"
    assert names(spec) == ["project", "lumber", "finish", "clamp"]


@pytest.mark.parametrize(
    "prompt",
    [
        "an app to organize my tools, apps and settings",
        "a tracker app system",
        "manager log planner organizer tool",
    ],
)
def test_generic_words_never_become_entities(prompt: str) -> None:
    generic = {"app", "tracker", "manager", "log", "planner", "organizer", "system", "tool"}
    generic |= {"setting"}
    assert not set(names(analyze(prompt))) & generic


def test_every_entity_has_a_text_title_even_from_a_dated_blueprint() -> None:
    spec = analyze("A habit tracker with streaks")
    check_in = spec.entity("check_in")
    assert check_in.field(check_in.title_field).type is FieldType.text
    assert check_in.field("date").required


def test_a_list_the_user_names_keeps_its_name_on_the_list_screen() -> None:
    spec = analyze("A recipe app with a shopping list")
    assert spec.entity("shopping_item").plural == "Shopping list"
    assert spec.entity("shopping_item").label == "Shopping item"


def test_uncountable_nouns_keep_their_form() -> None:
    assert plurals(analyze("a budget app to track my spending"))[0] == "Spending"
    assert "Gear" in plurals(analyze("Keep a log of my hikes, trails and gear"))


def test_verbs_and_possessives_are_read_as_such() -> None:
    mentions = extract("Track my dog's walks, then plan camping trips to split costs").mentions
    assert [(m.word, m.modifiers) for m in mentions] == [
        ("dog", ()),
        ("walk", ()),
        ("trip", ("camping",)),
        ("cost", ()),
    ]
