"""The rules analyzer on hostile and odd input: always a valid spec, the prompt kept as data."""

from __future__ import annotations

import re

import pytest

from appgen.analyzer import UnusablePrompt, analyze
from appgen.analyzer.domains import DOMAINS
from appgen.analyzer.words import singular, tokenize
from appgen.spec import AppSpec, FieldType

pytestmark = pytest.mark.unit

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ROUTE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")

HOSTILE = [
    "<script>alert('x')</script> a todo app <img src=x onerror=alert(1)>",
    '\'; DROP TABLE projects; -- a budget app with "quotes" and `backticks`',
    "../../../etc/passwd a notes app ..\\..\\windows\\system32",
    "{{ config.items() }} ${process.env.SECRET} {% raw %} a recipe app #{x}",
    "🌱🌱🌱 a plant app 💧 with photos 📸 and reminders ⏰",
    "تطبيق لتتبع المهام اليومية",
    "אפליקציה לניהול מתכונים עם תמונות",
    "a \x00 chat \x1b[31m app \u202e with \u200b login \r\n\t and search",
    "a" * 300 + " tracker for " + "b" * 5000,
    # Styled letters that fold to "fitness app ... with charts".
    "\u24b8\U0001d4d5\U0001d4f2\U0001d4fd\U0001d4f7\U0001d4ee\U0001d4fc\U0001d4fc \U0001d51e\U0001d52d\U0001d52d \ufdfd with \U0001d4b8\U0001d4bd\U0001d4b6\U0001d4c7\U0001d4c9\U0001d4c8",
    "__proto__ constructor prototype toString an app for hasOwnProperty",
    "SELECT * FROM users WHERE name = 'admin' OR 1=1",
    "settings about home login settings-form home-list about about",
]


def assert_safe(spec: AppSpec) -> None:
    for name in (spec.slug, spec.domain, *(e.name for e in spec.entities)):
        assert IDENTIFIER.fullmatch(name), name
    for entity in spec.entities:
        for field in entity.fields:
            assert IDENTIFIER.fullmatch(field.name), field.name
    for screen in spec.screens:
        assert ROUTE.fullmatch(screen.route), screen.route
    assert 1 <= len(spec.tab_bar) <= 5
    assert spec.entities, "every app has at least one entity"
    # Round-trips through JSON: what travels on AnalysisCompleted is exactly this spec.
    assert AppSpec.model_validate_json(spec.model_dump_json()) == spec


@pytest.mark.parametrize("prompt", HOSTILE)
def test_hostile_prompts_give_valid_specs_and_keep_the_prompt(prompt: str) -> None:
    spec = analyze(prompt)
    assert_safe(spec)
    assert spec.prompt == prompt[:4000]


def test_script_tags_do_not_reach_identifiers_but_the_domain_is_still_found() -> None:
    spec = analyze(HOSTILE[0])
    assert spec.domain == "todo"
    assert "script" not in {e.name for e in spec.entities}


def test_emoji_prompt_still_finds_plants_with_photos() -> None:
    spec = analyze(HOSTILE[4])
    assert spec.domain == "plants"
    assert spec.entity("plant").field("photo").type is FieldType.image
    assert "reminder" in {e.name for e in spec.entities}


def test_rtl_prompt_gets_a_generic_but_valid_app() -> None:
    spec = analyze(HOSTILE[5])
    assert spec.domain == "custom"
    assert [e.name for e in spec.entities] == ["item"]
    assert spec.slug == "items_keeper"


def test_control_characters_do_not_hide_features() -> None:
    spec = analyze(HOSTILE[7])
    assert spec.domain == "chat"
    assert {"login", "search"} <= {f.value for f in spec.features}


def test_very_long_words_are_ignored() -> None:
    spec = analyze(HOSTILE[8])
    assert len(spec.prompt) == 4000
    assert all(len(e.name) <= 24 for e in spec.entities)


def test_reserved_route_words_do_not_collide() -> None:
    spec = analyze("track my settings, abouts and homes")
    routes = [s.route for s in spec.screens]
    assert len(routes) == len(set(routes))


def test_explicit_hostile_name_is_kept_as_a_label_with_a_safe_slug() -> None:
    spec = analyze('a todo app called "<b>Bold</b>" please')
    assert spec.name == "<b>Bold</b>"
    assert spec.slug == "b_bold_b"


def test_a_4000_character_prompt_works() -> None:
    sentence = (
        "I want a fitness app to log workouts, exercises, meals and sleep with charts, "
        "reminders, photos, dark mode, login, search, tags and export. "
    )
    prompt = (sentence * 40)[:4000]
    spec = analyze(prompt)
    assert spec.domain == "fitness"
    assert len(spec.entities) <= 8
    assert_safe(spec)


def test_same_prompt_same_spec() -> None:
    prompts = [*HOSTILE, "an app to track my vinyl records and the friends I lend them to"]
    for prompt in prompts:
        assert analyze(prompt) == analyze(prompt)
        assert analyze(prompt).model_dump_json() == analyze(prompt).model_dump_json()


def test_prompt_without_letters_is_refused_with_a_readable_reason() -> None:
    with pytest.raises(UnusablePrompt, match="no words"):
        analyze("!!! ??? 123 ...")


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_every_domain_is_reachable_from_its_own_name_and_valid(domain: object) -> None:
    from appgen.analyzer.domains import Domain

    assert isinstance(domain, Domain)
    keyword = domain.keywords[0]
    spec = analyze(f"a {keyword} app with search, charts and calendar")
    assert spec.domain == domain.name
    # The primary entity is the domain's, under the user's word when that word is one of its own.
    own_word = keyword in domain.primary.words and keyword != domain.primary.name
    assert spec.entities[0].name == (keyword if own_word else domain.primary.name)
    assert spec.entities[0].icon == domain.primary.icon
    assert spec.theme.icon == domain.palette.icon
    assert_safe(spec)


def test_domains_have_distinct_themes_and_enough_variety() -> None:
    assert len(DOMAINS) >= 15
    assert len({d.palette.primary for d in DOMAINS}) == len(DOMAINS)
    assert len({d.palette.icon for d in DOMAINS}) == len(DOMAINS)
    assert len({d.name for d in DOMAINS}) == len(DOMAINS)


@pytest.mark.parametrize(
    ("plural", "expected"),
    [
        ("plants", "plant"),
        ("categories", "category"),
        ("movies", "movie"),
        ("boxes", "box"),
        ("watches", "watch"),
        ("people", "person"),
        ("leaves", "leaf"),
        ("expenses", "expense"),
        ("buses", "bus"),
        ("houses", "house"),
        ("status", "status"),
        ("tomatoes", "tomato"),
        ("shoes", "shoe"),
        ("entries", "entry"),
        ("quizzes", "quiz"),
        ("classes", "class"),
        ("series", "series"),
        ("photos", "photo"),
    ],
)
def test_singular(plural: str, expected: str) -> None:
    assert singular(plural) == expected


def test_tokenizer_folds_accents_and_drops_markup() -> None:
    words = [t.text for t in tokenize("Café <b>menus</b> & ${x}") if t.is_word]
    assert words == ["cafe", "b", "menus", "b", "x"]
