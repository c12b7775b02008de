"""A small app spec for the tests that draw from one (the images service's art and PNGs)."""

from __future__ import annotations

from appgen.spec import AppSpec, Entity, EntityField, FieldType, Screen, ScreenKind, Theme


def sample_spec(
    *,
    name: str = "Plant Care",
    description: str = "Keep your plants watered, fed and happy.",
    glyph: str = "🪴",
    entities: tuple[tuple[str, str, str], ...] = (
        ("plant", "Plants", "🌱"),
        ("watering", "Waterings", "💧"),
        ("reminder", "Reminders", "⏰"),
    ),
    primary: str = "#2f9e6e",
    accent: str = "#f4a261",
) -> AppSpec:
    """A small valid spec; names and glyphs are parameters so tests can make them hostile."""
    return AppSpec(
        name=name,
        slug="plant_care",
        description=description,
        prompt="a plant watering tracker with reminders",
        domain="custom",
        theme=Theme(primary=primary, accent=accent, icon=glyph),
        entities=tuple(
            Entity(
                name=entity,
                label=entity.title(),
                plural=plural,
                icon=icon,
                fields=(EntityField(name="title", label="Title", type=FieldType.text),),
                title_field="title",
            )
            for entity, plural, icon in entities
        ),
        screens=(Screen(route="home", title="Home", kind=ScreenKind.dashboard, in_tab_bar=True),),
        home="home",
    )
