"""What words mean to the rules: features, field attributes, and kinds of custom entity.

Every key here is a singular word or a two-word phrase of singular words, as `words.singular`
produces them, so a prompt is matched without caring about plurals.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from appgen.analyzer.domains.base import (
    PRIORITY,
    boolean,
    choice,
    date,
    datetime,
    email,
    long_text,
    money,
    number,
    phone,
    text,
    url,
)
from appgen.analyzer.words import wordset
from appgen.spec import EntityField, Feature

FEATURE_WORDS: dict[Feature, tuple[str, ...]] = {
    Feature.search: ("search", "searchable", "find", "lookup", "look up"),
    Feature.dark_mode: ("dark mode", "dark theme", "night mode", "dark"),
    Feature.charts: (
        "chart",
        "graph",
        "statistic",
        "stat",
        "analytic",
        "analytics",
        "insight",
        "visualization",
        "visualisation",
        "visualize",
        "visualise",
        "trend",
    ),
    Feature.login: (
        "login",
        "log in",
        "sign in",
        "signin",
        "sign up",
        "signup",
        "authentication",
        "auth",
        "password",
        "user account",
        "registration",
    ),
    Feature.reminders: ("reminder", "remind", "alarm"),
    Feature.photos: ("photo", "picture", "image", "pic", "camera", "snapshot", "gallery"),
    Feature.favorites: ("favorite", "favourite", "fave", "bookmark", "starred"),
    Feature.categories: ("category", "categorize", "categorise", "categorized", "categorised"),
    Feature.calendar: ("calendar", "agenda", "schedule"),
    Feature.sharing: ("share", "sharing", "shared"),
    Feature.export: ("export", "csv", "backup", "pdf", "download"),
    Feature.notifications: ("notification", "notify", "alert", "push notification"),
    Feature.offline: ("offline", "no internet"),
    Feature.ratings: ("rating", "rate", "star", "review"),
    Feature.tags: ("tag", "hashtag", "tagging", "tagged", "label"),
    Feature.progress_tracking: ("progress", "streak", "goal", "milestone"),
}

# Words that name a field of a record rather than a record: "books with their price and rating".
ATTRIBUTES: dict[str, Callable[[], EntityField]] = {
    "price": lambda: money("price"),
    "cost": lambda: money("cost"),
    "amount": lambda: money("amount"),
    "value": lambda: money("value"),
    "date": lambda: date("date"),
    "due date": lambda: date("due_date"),
    "deadline": lambda: date("deadline"),
    "birthday": lambda: date("birthday"),
    "note": lambda: long_text("notes"),
    "description": lambda: long_text("description"),
    "comment": lambda: long_text("comments"),
    "email": lambda: email("email"),
    "email address": lambda: email("email"),
    "phone number": lambda: phone("phone"),
    "website": lambda: url("website"),
    "link": lambda: url("link"),
    "url": lambda: url("link"),
    "address": lambda: text("address"),
    "location": lambda: text("location"),
    "quantity": lambda: number("quantity"),
    "count": lambda: number("count"),
    "status": lambda: choice("status", "To do", "In progress", "Done"),
    "priority": lambda: choice("priority", *PRIORITY),
    "duration": lambda: number("duration_minutes"),
    "distance": lambda: number("distance_km"),
    "weight": lambda: number("weight_kg"),
    "calorie": lambda: number("calories"),
    "author": lambda: text("author"),
    "artist": lambda: text("artist"),
    "brand": lambda: text("brand"),
    "size": lambda: text("size"),
    "colour": lambda: text("colour"),
    "color": lambda: text("colour"),
    "year": lambda: number("year"),
    "age": lambda: number("age"),
    "condition": lambda: choice("condition", "New", "Good", "Fair", "Worn"),
    "start time": lambda: datetime("starts_at"),
    "done": lambda: boolean("done"),
    # Values kept on a record that people list beside records: "games, players and scores".
    "score": lambda: number("score"),
    "streak": lambda: number("streak"),
    "hour": lambda: number("hours"),
    "mileage": lambda: number("mileage"),
}

# Only these words before an attribute make it one ("with price", "their rating", ", notes"),
# looking back past ATTRIBUTE_SKIP ("with a price", "and their location", "with daily streaks").
ATTRIBUTE_CONTEXT = frozenset({"with", "and", "or", "including", "plus", ",", "by"})
ATTRIBUTE_SKIP = wordset(
    "a an the their its own his her my our daily weekly monthly yearly total current average "
    "best longest personal"
)


class Kind(StrEnum):
    """What sort of thing a custom entity is; it picks the entity's fields."""

    person = "person"
    place = "place"
    happening = "happening"
    thing = "thing"


PEOPLE = wordset(
    "friend person client customer member student teacher patient employee colleague coworker "
    "guest player athlete tenant landlord neighbor neighbour volunteer kid child parent artist "
    "contact owner borrower lender buyer seller doctor coach relative partner mentor staff "
    "musician actor writer author family attendee participant host driver passenger "
    "subscriber fan reader user"
)
PLACES = wordset(
    "place restaurant cafe bar city country park trail beach spot venue museum campsite hotel "
    "brewery winery gym library room office site shop store location neighborhood"
)
HAPPENINGS = wordset(
    "loan visit session payment purchase order trip meeting appointment meal entry repair "
    "delivery shift lesson match game race ride hike walk swim feeding dose transfer donation "
    "sale rental return vote review inspection measurement harvest tasting brew shift practice "
    "rehearsal performance workout lecture exam test interview treatment vaccination injury "
    "sighting catch dive climb flight stay booking reservation attendance expense watering "
    "event task chore reading log check visit call incident outing maintenance"
)

# Verbs whose act is itself worth recording: "friends I lend them to" → a loan.
VERB_NOUNS = {
    "lend": "loan",
    "lent": "loan",
    "borrow": "loan",
    "borrowed": "loan",
    "loan": "loan",
    "rent": "rental",
    "donate": "donation",
    "sell": "sale",
    "swap": "swap",
    "trade": "trade",
    "visit": "visit",
    "water": "watering",
    "feed": "feeding",
    "repair": "repair",
}

# Feature words that can also name records, when written as a plural noun ("cameras & lenses").
FEATURE_NOUNS = wordset("camera password review goal milestone schedule")
# Stop words that still name records in a noun's place: "solar sites", "time entries", "buddies".
NOUN_STOPS = wordset("site page home day program buddy time family phone plan")
# Stop words that never name records, even as a plural in a list ("apps, tools and settings").
NEVER_RECORDS = wordset(
    "app application tool thing stuff feature setting screen dashboard type kind sort way one "
    "other lot everything something anything people website web system software"
)

ICONS = {
    "record": "💿",
    "vinyl": "💿",
    "album": "💿",
    "friend": "🧑",
    "person": "👤",
    "loan": "🤝",
    "car": "🚗",
    "bike": "🚲",
    "game": "🎮",
    "coin": "🪙",
    "stamp": "📮",
    "wine": "🍷",
    "beer": "🍺",
    "coffee": "☕",
    "tea": "🍵",
    "bird": "🐦",
    "fish": "🐟",
    "tree": "🌳",
    "shoe": "👟",
    "sneaker": "👟",
    "watch": "⌚",
    "camera": "📷",
    "toy": "🧸",
    "lego": "🧱",
    "card": "🃏",
    "boardgame": "🎲",
    "tool": "🔧",
    "bottle": "🍾",
    "cheese": "🧀",
    "project": "📁",
    "idea": "💡",
    "student": "🎓",
    "class": "🏫",
    "car_part": "🔩",
    "reminder": "⏰",
    "trip": "🧳",
    "hike": "🥾",
    "dive": "🤿",
    "photo": "📷",
    "art": "🎨",
    "painting": "🖼️",
    "guitar": "🎸",
    "song": "🎵",
    "poem": "📜",
    "quote": "❝",
}
KIND_ICONS = {Kind.person: "👤", Kind.place: "📍", Kind.happening: "🗓️", Kind.thing: "📦"}

# Custom things people collect get a photo by default.
COLLECTIBLES = wordset(
    "record coin stamp card game toy figure sneaker shoe watch wine whisky whiskey beer "
    "lego art painting plant book comic bottle cheese car bike guitar camera mug poster"
)


def kind_of(word: str) -> Kind:
    if word in PEOPLE:
        return Kind.person
    if word in PLACES:
        return Kind.place
    if word in HAPPENINGS or (word.endswith("ing") and len(word) > 5):
        return Kind.happening
    return Kind.thing


def is_known_noun(word: str) -> bool:
    """A word we can say with confidence names a kind of record."""
    return word in PEOPLE or word in PLACES or word in HAPPENINGS or word in COLLECTIBLES
