"""Hand-built specs that exercise every field type, screen kind and component kind.

For tests, demos and docs: real analyzer output covers the common paths, these cover the rest
(every input type, every component, and hostile text in every place a spec carries text).
"""

from __future__ import annotations

from appgen.spec import (
    AppSpec,
    Component,
    ComponentKind,
    Entity,
    EntityField,
    Feature,
    FieldType,
    Screen,
    ScreenKind,
    Theme,
)

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> </script><!-- \u2028 & {{x}}'


def kitchen_sink(text: str = "") -> AppSpec:
    """A two-entity app using every field type and every component kind.

    `text` is appended to every label, description and choice, to test escaping.
    """
    t = text
    trip = Entity(
        name="trip",
        label=f"Trip{t}",
        plural=f"Trips{t}",
        icon="🧳",
        title_field="title",
        fields=(
            EntityField(name="title", label=f"Title{t}", type=FieldType.text, required=True),
            EntityField(name="notes", label=f"Notes{t}", type=FieldType.long_text),
            EntityField(name="budget", label=f"Budget{t}", type=FieldType.money),
            EntityField(name="nights", label=f"Nights{t}", type=FieldType.number),
            EntityField(name="start", label=f"Start{t}", type=FieldType.date),
            EntityField(name="departs", label=f"Departs{t}", type=FieldType.datetime),
            EntityField(name="booked", label=f"Booked{t}", type=FieldType.boolean),
            EntityField(
                name="kind",
                label=f"Kind{t}",
                type=FieldType.choice,
                choices=(f"Beach{t}", f"City{t}", f"Mountains{t}"),
            ),
            EntityField(name="photo", label=f"Photo{t}", type=FieldType.image),
            EntityField(name="contact", label=f"Contact{t}", type=FieldType.email),
            EntityField(name="phone", label=f"Phone{t}", type=FieldType.phone),
            EntityField(name="website", label=f"Website{t}", type=FieldType.url),
            EntityField(name="rating", label=f"Rating{t}", type=FieldType.rating),
        ),
    )
    stop = Entity(
        name="stop",
        label=f"Stop{t}",
        plural=f"Stops{t}",
        icon="📍",
        title_field="place",
        fields=(
            EntityField(name="place", label=f"Place{t}", type=FieldType.text, required=True),
            EntityField(name="trip", label=f"Trip{t}", type=FieldType.reference, reference="trip"),
            EntityField(name="cost", label=f"Cost{t}", type=FieldType.money),
            EntityField(name="visited", label=f"Visited{t}", type=FieldType.boolean),
        ),
    )
    c = Component
    k = ComponentKind
    screens = (
        Screen(
            route="home",
            title=f"Home{t}",
            kind=ScreenKind.dashboard,
            icon="🏠",
            in_tab_bar=True,
            components=(
                c(kind=k.header),
                c(kind=k.stat_tiles),
                c(kind=k.chart, entity="trip", field="kind", title=f"By kind{t}"),
                c(kind=k.progress_ring, entity="stop", field="visited"),
                c(kind=k.calendar, entity="trip", field="start"),
                c(kind=k.record_list, entity="trip"),
            ),
        ),
        Screen(
            route="trips",
            title=f"Trips{t}",
            kind=ScreenKind.list,
            entity="trip",
            icon="🧳",
            in_tab_bar=True,
            components=(
                c(kind=k.header),
                c(kind=k.search_bar),
                c(kind=k.filter_chips, field="kind"),
                c(kind=k.card_grid),
                c(kind=k.empty_state),
            ),
        ),
        Screen(
            route="trip",
            title=f"Trip{t}",
            kind=ScreenKind.detail,
            entity="trip",
            components=(c(kind=k.record_detail), c(kind=k.confirm_dialog)),
        ),
        Screen(
            route="trip-form",
            title=f"Edit trip{t}",
            kind=ScreenKind.form,
            entity="trip",
            components=(c(kind=k.record_form),),
        ),
        Screen(
            route="stops",
            title=f"Stops{t}",
            kind=ScreenKind.list,
            entity="stop",
            icon="📍",
            in_tab_bar=True,
            components=(c(kind=k.search_bar), c(kind=k.record_list), c(kind=k.empty_state)),
        ),
        Screen(
            route="settings",
            title=f"Settings{t}",
            kind=ScreenKind.settings,
            icon="⚙️",
            in_tab_bar=True,
            components=(c(kind=k.settings_list), c(kind=k.login_form)),
        ),
        Screen(
            route="about",
            title=f"About{t}",
            kind=ScreenKind.about,
            icon="\N{INFORMATION SOURCE}\ufe0f",
            components=(c(kind=k.about_card),),
        ),
    )
    return AppSpec(
        name=f"Trip Planner{t}"[:80],
        slug="trip_planner",
        description=f"Plan trips and the stops along the way.{t}",
        prompt=f"An app to plan my trips, with a budget, photos and stops{t}",
        domain="custom",
        theme=Theme(primary="#0f766e", accent="#f59e0b", icon="🧳"),
        features=frozenset({Feature.charts, Feature.photos, Feature.search, Feature.calendar}),
        entities=(trip, stop),
        screens=screens,
        home="home",
    )


def hostile() -> AppSpec:
    """Every piece of text in the spec carries markup and script-breaking characters."""
    return kitchen_sink(" " + HOSTILE[:40]).model_copy(update={"prompt": HOSTILE})
