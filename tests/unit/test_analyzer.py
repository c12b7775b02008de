"""The rules analyzer on prompts from simple to complex: concrete entities, fields, screens."""

from __future__ import annotations

import pytest

from appgen.analyzer import analyze
from appgen.spec import AppSpec, ComponentKind, Feature, FieldType, ScreenKind

pytestmark = pytest.mark.unit


def entity_names(spec: AppSpec) -> list[str]:
    return [e.name for e in spec.entities]


def field_types(spec: AppSpec, entity: str) -> dict[str, FieldType]:
    return {f.name: f.type for f in spec.entity(entity).fields}


def kinds_on(spec: AppSpec, route: str) -> list[ComponentKind]:
    return [c.kind for c in spec.screen(route).components]


def list_screen(spec: AppSpec, entity: str) -> str:
    return next(s.route for s in spec.screens if s.kind is ScreenKind.list and s.entity == entity)


def test_plant_watering_tracker_gets_plants_waterings_and_reminders() -> None:
    spec = analyze("a plant watering tracker with reminders and photos")
    assert spec.domain == "plants"
    assert entity_names(spec)[:3] == ["plant", "watering", "reminder"]
    assert field_types(spec, "plant")["photo"] is FieldType.image
    assert spec.entity("watering").field("plant").reference == "plant"
    assert spec.entity("reminder").field("remind_at").type is FieldType.datetime
    assert {Feature.reminders, Feature.photos} <= spec.features
    assert spec.name == "Plant Watering Tracker"
    assert spec.slug == "plant_watering_tracker"


def test_vinyl_records_lent_to_friends_is_a_custom_app_with_loans() -> None:
    spec = analyze("an app to track my vinyl records and the friends I lend them to")
    assert spec.domain == "custom"
    assert entity_names(spec) == ["record", "friend", "loan"]
    assert spec.entity("record").label == "Vinyl record"
    assert field_types(spec, "friend")["email"] is FieldType.email
    loan = spec.entity("loan")
    assert {f.reference for f in loan.fields if f.reference} == {"record", "friend"}
    assert loan.field("returned").type is FieldType.boolean
    assert spec.name == "Vinyl Records Tracker"


def test_todo_list() -> None:
    spec = analyze("Create a todo list app")
    assert spec.domain == "todo"
    assert entity_names(spec)[0] == "task"
    assert field_types(spec, "task")["done"] is FieldType.boolean
    assert field_types(spec, "task")["due_date"] is FieldType.date
    assert spec.name == "Todo List"
    assert spec.home == "home"
    assert spec.screen("home").kind is ScreenKind.dashboard


def test_fitness_with_charts_and_dark_mode() -> None:
    spec = analyze("A fitness app to log workouts and exercises with charts and dark mode")
    assert spec.domain == "fitness"
    assert entity_names(spec)[:2] == ["workout", "exercise"]
    assert {Feature.charts, Feature.dark_mode} <= spec.features
    chart = next(c for c in spec.screen("home").components if c.kind is ComponentKind.chart)
    assert (chart.entity, chart.field) == ("workout", "duration_minutes")


def test_recipes_with_shopping_list_search_and_favorites() -> None:
    spec = analyze("A recipe app with a shopping list, search and favorites")
    assert spec.domain == "recipes"
    assert "shopping_item" in entity_names(spec)
    assert field_types(spec, "recipe")["favorite"] is FieldType.boolean
    recipes = spec.screen(list_screen(spec, "recipe"))
    assert ComponentKind.search_bar in kinds_on(spec, recipes.route)
    assert any(
        c.kind is ComponentKind.filter_chips and c.field == "favorite" for c in recipes.components
    )
    assert {Feature.search, Feature.favorites} <= spec.features


def test_budget_with_categories_charts_and_export() -> None:
    spec = analyze("Budget app to track expenses by category with charts and export to CSV")
    assert spec.domain == "budget"
    assert field_types(spec, "expense")["amount"] is FieldType.money
    assert spec.entity("expense").field("category").type is FieldType.choice
    assert {Feature.categories, Feature.charts, Feature.export} <= spec.features
    assert ComponentKind.chart in kinds_on(spec, "home")
    chips = [c for c in spec.screen("expenses").components if c.kind is ComponentKind.filter_chips]
    assert [c.field for c in chips] == ["category"]


def test_habits_have_progress_ring() -> None:
    spec = analyze("A habit tracker with streaks")
    assert entity_names(spec) == ["habit", "check_in"]
    assert Feature.progress_tracking in spec.features
    assert ComponentKind.progress_ring in kinds_on(spec, "home")
    assert spec.screen(list_screen(spec, "check_in")).title == "Check-ins"


def test_social_feed_with_login_gets_a_sign_in_screen() -> None:
    spec = analyze("A social feed where people share photos and comment on posts, with login")
    assert spec.domain == "social"
    assert entity_names(spec) == ["post", "profile", "comment"]
    assert Feature.login in spec.features
    assert kinds_on(spec, "login") == [ComponentKind.header, ComponentKind.login_form]
    assert not spec.screen("login").in_tab_bar


def test_chat_keeps_the_prompts_own_noun() -> None:
    spec = analyze("A chat app for my team")
    assert spec.domain == "chat"
    assert entity_names(spec) == ["conversation", "message", "team"]
    assert spec.entity("message").field("conversation").reference == "conversation"


def test_books_with_ratings_and_tags() -> None:
    spec = analyze("A book tracker with ratings and tags")
    assert spec.domain == "reading"
    fields = field_types(spec, "book")
    assert fields["rating"] is FieldType.rating
    assert fields["tag"] is FieldType.choice
    assert fields["cover"] is FieldType.image
    assert {Feature.ratings, Feature.tags} <= spec.features
    assert ComponentKind.card_grid in kinds_on(spec, "books")


def test_bookings_for_salon_clients_include_clients() -> None:
    spec = analyze("A booking app for my hair salon clients")
    assert spec.domain == "bookings"
    assert entity_names(spec) == ["booking", "service", "client"]
    assert field_types(spec, "client")["phone"] is FieldType.phone
    assert ComponentKind.calendar in kinds_on(spec, "home")


def test_inventory_attributes_become_fields() -> None:
    spec = analyze("Home inventory of tools with their location and price")
    assert spec.domain == "inventory"
    fields = field_types(spec, "item")
    assert fields["price"] is FieldType.money
    assert fields["location"] is FieldType.text


def test_crm_with_deals_keeps_the_users_clients() -> None:
    spec = analyze("A CRM to manage clients and deals")
    assert spec.domain == "contacts"
    assert entity_names(spec) == ["client", "interaction", "deal"]
    assert field_types(spec, "client")["email"] is FieldType.email
    assert field_types(spec, "deal")["value"] is FieldType.money
    assert spec.entity("deal").field("client").reference == "client"


def test_flashcards() -> None:
    spec = analyze("Flashcards for learning Spanish vocabulary")
    assert spec.domain == "learning"
    assert entity_names(spec)[:2] == ["deck", "flashcard"]
    assert spec.entity("flashcard").plural == "Flashcards"
    assert spec.entity("flashcard").field("deck").reference == "deck"


def test_travel_with_packing_list_and_calendar() -> None:
    spec = analyze("A travel planner for trips with a packing list and a calendar")
    assert spec.domain == "travel"
    assert "packing_item" in entity_names(spec)
    calendar = next(c for c in spec.screen("home").components if c.kind is ComponentKind.calendar)
    assert (calendar.entity, calendar.field) == ("trip", "start_date")


def test_pets_walks_and_vet_visits_in_the_users_words() -> None:
    spec = analyze("Track my dog's walks and vet visits")
    assert spec.domain == "pets"
    assert entity_names(spec) == ["dog", "walk", "vet_visit"]
    assert spec.entity("walk").field("dog").reference == "dog"
    assert spec.entity("vet_visit").field("dog").reference == "dog"


def test_medication_reminders() -> None:
    spec = analyze("Medication reminder app")
    assert spec.domain == "medication"
    assert entity_names(spec) == ["medication", "dose", "reminder"]
    assert spec.entity("reminder").field("medication").reference == "medication"


def test_events_with_guests() -> None:
    spec = analyze("An event planner for weddings with guests")
    assert spec.domain == "events"
    assert entity_names(spec) == ["event", "guest"]
    assert Feature.calendar in spec.features


def test_journal_with_mood() -> None:
    spec = analyze("A journal app with mood tracking")
    assert spec.domain == "journal"
    assert entity_names(spec) == ["entry", "mood"]
    assert spec.screen("entries").title == "Entries"


def test_movies_watchlist() -> None:
    spec = analyze("A watchlist of movies I want to see")
    assert spec.domain == "movies"
    assert field_types(spec, "movie")["watched"] is FieldType.boolean


def test_music_playlists() -> None:
    spec = analyze("A music app for my playlists")
    assert spec.domain == "music"
    assert entity_names(spec)[:2] == ["song", "playlist"]


def test_notes_with_search() -> None:
    spec = analyze("A notes app with folders and search")
    assert spec.domain == "notes"
    assert entity_names(spec) == ["note", "folder"]
    assert ComponentKind.search_bar in kinds_on(spec, "notes")


def test_shop_catalogue() -> None:
    spec = analyze("An online shop for my handmade candles with a product catalogue and cart")
    assert spec.domain == "shop"
    assert field_types(spec, "product")["price"] is FieldType.money
    assert field_types(spec, "cart")["status"] is FieldType.choice
    assert Feature.search in spec.features


def test_custom_coffee_tastings_and_cafes() -> None:
    spec = analyze("Keep track of my coffee tastings and the cafes I visit")
    assert spec.domain == "custom"
    assert entity_names(spec)[:2] == ["tasting", "cafe"]
    assert field_types(spec, "cafe")["rating"] is FieldType.rating
    assert spec.entity("tasting").field("cafe").reference == "cafe"


def test_custom_board_games_with_players_and_scores() -> None:
    spec = analyze("Log board game nights: which games we played, the players and who won")
    names = entity_names(spec)
    assert "game" in names
    assert "player" in names
    assert field_types(spec, "player")["name"] is FieldType.text


def test_custom_bird_sightings_with_photos_and_map_location() -> None:
    spec = analyze("I want to record bird sightings with photos and the location")
    assert spec.domain == "custom"
    assert entity_names(spec)[0] == "sighting"
    fields = field_types(spec, "sighting")
    assert fields["photo"] is FieldType.image
    assert fields["location"] is FieldType.text


def test_custom_prompt_with_calendar_gets_a_date_field() -> None:
    spec = analyze("Manage my car repairs and the garages with a calendar")
    assert spec.domain == "custom"
    assert entity_names(spec) == ["car", "repair", "garage"]
    assert {f.reference for f in spec.entity("repair").fields if f.reference} == {"car", "garage"}
    assert ComponentKind.calendar in kinds_on(spec, "home")


def test_unknown_words_only_still_make_entities_from_nouns() -> None:
    spec = analyze("quilts, fabrics, patterns")
    assert spec.domain == "custom"
    assert entity_names(spec) == ["quilt", "fabric", "pattern"]


def test_explicit_name_is_used() -> None:
    spec = analyze('A habit tracker called "Tiny Steps" with reminders')
    assert spec.name == "Tiny Steps"
    assert spec.slug == "tiny_steps"


def test_categories_and_tags_become_choice_fields_and_filters() -> None:
    spec = analyze("A notes app with categories and tags")
    fields = spec.entity("note")
    assert fields.field("category").type is FieldType.choice
    assert fields.field("tag").type is FieldType.choice
    assert ComponentKind.filter_chips in kinds_on(spec, "notes")


def test_tab_bar_has_home_and_settings_and_at_most_five() -> None:
    spec = analyze(
        "Track my plants, waterings, fertilizers, seeds, pots, tools and harvests with reminders"
    )
    tabs = [s.route for s in spec.tab_bar]
    assert tabs[0] == "home"
    assert tabs[-1] == "settings"
    assert len(tabs) <= 5
    assert spec.screen("about").kind is ScreenKind.about


def test_each_entity_gets_list_detail_and_form() -> None:
    spec = analyze("A recipe app with ingredients and meal plans")
    for entity in spec.entities:
        kinds = {s.kind for s in spec.screens if s.entity == entity.name}
        assert kinds == {ScreenKind.list, ScreenKind.detail, ScreenKind.form}
    assert {"recipe", "ingredient", "meal_plan"} <= set(entity_names(spec))
