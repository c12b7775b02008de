"""The spec's vocabulary: field types, screen and component kinds, features, and safe identifiers."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints

# Identifiers become file names, routes and storage keys, so they are restricted to a shape
# that can never escape a folder or break out of an HTML attribute.
Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$", min_length=1, max_length=40)
]
Route = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,39}$")]
HexColour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
Text = Annotated[str, StringConstraints(max_length=4000)]


class FieldType(StrEnum):
    text = "text"
    long_text = "long_text"
    number = "number"
    money = "money"
    date = "date"
    datetime = "datetime"
    boolean = "boolean"
    choice = "choice"
    image = "image"
    reference = "reference"
    email = "email"
    phone = "phone"
    url = "url"
    rating = "rating"


class ScreenKind(StrEnum):
    dashboard = "dashboard"
    list = "list"
    detail = "detail"
    form = "form"
    settings = "settings"
    about = "about"


class ComponentKind(StrEnum):
    """Reusable pieces a screen is built from; the screens service writes one module per kind used."""

    header = "header"
    search_bar = "search_bar"
    filter_chips = "filter_chips"
    record_list = "record_list"
    card_grid = "card_grid"
    record_form = "record_form"
    record_detail = "record_detail"
    stat_tiles = "stat_tiles"
    chart = "chart"
    empty_state = "empty_state"
    confirm_dialog = "confirm_dialog"
    settings_list = "settings_list"
    about_card = "about_card"
    login_form = "login_form"
    calendar = "calendar"
    progress_ring = "progress_ring"


class Feature(StrEnum):
    search = "search"
    dark_mode = "dark_mode"
    charts = "charts"
    login = "login"
    reminders = "reminders"
    photos = "photos"
    favorites = "favorites"
    categories = "categories"
    calendar = "calendar"
    sharing = "sharing"
    export = "export"
    notifications = "notifications"
    offline = "offline"
    ratings = "ratings"
    tags = "tags"
    progress_tracking = "progress_tracking"
