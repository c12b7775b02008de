"""The Expo renderer as a pure function: the files, the SDK pin, app.json, the icon, storage
keys, and spec text that reaches TypeScript only as escaped string literals."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from pydantic import BaseModel

from appgen.images.art import icon_png
from appgen.render import EXPO_SDK, expo_image_paths, expo_screen_path, render_expo
from appgen.render._documents import spec_data
from appgen.render._expo import template
from appgen.spec import AppSpec, ComponentKind
from appgen.spec.model import Component, Entity, EntityField, Screen, Theme
from tests.expo.apps import HOSTILE_LABEL, HOSTILE_NAME, HOSTILE_TAB, apps, hostile

pytestmark = pytest.mark.unit

APPS = apps()


def text_files(spec: AppSpec) -> dict[str, str]:
    return {w.path: w.text for w in render_expo(spec).files if w.text is not None}


def literal(text: str, prefix: str) -> object:
    """The JSON after `prefix` up to the statement's end, parsed."""
    start = text.index(prefix) + len(prefix)
    end = text.index(";\n", start)
    return json.loads(text[start:end])


@pytest.mark.parametrize("name", list(APPS))
def test_every_screen_and_component_kind_has_its_file(name: str) -> None:
    spec = APPS[name]
    files = text_files(spec)
    for path in ("package.json", "app.json", "tsconfig.json", "README.md", "app/_layout.tsx"):
        assert path in files
    assert "app/(tabs)/_layout.tsx" in files
    screens = {p for p in files if p.startswith("app/") and "_layout" not in p}
    fixed = {"app/index.tsx", "app/record_view.tsx", "app/record_edit.tsx"}
    assert screens - fixed == {expo_screen_path(s) for s in spec.screens}
    for screen in spec.tab_bar:
        assert expo_screen_path(screen) == f"app/(tabs)/{screen.route}.tsx"
    components = {p for p in files if p.startswith("components/")}
    assert components == {f"components/{k.value}.tsx" for k in spec.component_kinds}
    registry = files["src/components.ts"]
    for kind in ComponentKind:
        assert (f"  {kind.value}: " in registry) == (kind in spec.component_kinds)


def test_the_project_is_pinned_to_expo_sdk_54() -> None:
    files = text_files(APPS["plants"])
    package = json.loads(files["package.json"])
    deps = package["dependencies"]
    assert EXPO_SDK == 54
    assert re.fullmatch(r"~54\.0\.\d+", deps["expo"])
    assert re.fullmatch(r"~6\.0\.\d+", deps["expo-router"])
    assert deps["react-native"] == "0.81.5"
    assert deps["react"] == deps["react-dom"] == "19.1.0"
    for name in (
        "react-native-web",
        "@react-native-async-storage/async-storage",
        "react-native-safe-area-context",
        "react-native-screens",
        "expo-status-bar",
        "expo-linking",
        "expo-constants",
    ):
        assert name in deps
    assert package["main"] == "expo-router/entry"
    assert set(package["devDependencies"]) == {"typescript", "@types/react"}
    readme = files["README.md"]
    assert "npm install" in readme
    assert "npx expo start" in readme
    assert "SDK 54" in readme
    assert "App Store" in readme


def test_app_json_carries_the_name_slug_scheme_colours_and_pictures() -> None:
    spec = APPS["fitness"]
    project = render_expo(spec)
    expo = json.loads(project.contents()["app.json"])["expo"]
    assert expo["name"] == spec.name
    assert expo["slug"] == expo["scheme"] == spec.slug.replace("_", "-")
    assert expo["primaryColor"] == spec.theme.primary
    assert expo["userInterfaceStyle"] == "automatic"
    assert expo["android"]["adaptiveIcon"]["backgroundColor"] == spec.theme.primary
    splash = dict(expo["plugins"][1][1])
    assert splash["backgroundColor"] == spec.theme.background
    assert splash["dark"]["backgroundColor"] == spec.theme.dark_background
    contents = project.contents()
    for path in (expo["icon"], expo["web"]["favicon"], splash["image"]):
        assert path.removeprefix("./") in contents
    dark = spec.model_copy(update={"theme": spec.theme.model_copy(update={"appearance": "dark"})})
    assert json.loads(text_files(dark)["app.json"])["expo"]["userInterfaceStyle"] == "dark"


def picture(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGBA")


def test_the_icon_is_the_images_stages_at_expos_size_else_a_themed_square() -> None:
    spec = APPS["recipes"]
    drawn = icon_png(spec, 1024)
    with_icon = render_expo(
        spec,
        {"assets/icon-1024.png": drawn, "assets/icon-512.png": b"x", "assets/icon-192.png": b"x"},
    )
    icon = picture(with_icon.contents()["assets/icon.png"])
    assert icon.tobytes() == picture(drawn).tobytes()
    favicon = picture(with_icon.contents()["assets/favicon.png"])
    assert favicon.size == (48, 48)
    assert favicon.getpixel((0, 0))[3] == 0  # type: ignore[index]
    assert favicon.getpixel((24, 1))[3] == 255  # type: ignore[index]

    # A project drawn before the 1024 icon existed: its 512 is scaled up.
    scaled = picture(
        render_expo(spec, {"assets/icon-512.png": icon_png(spec, 512)}).contents()[
            "assets/icon.png"
        ]
    )
    assert scaled.size == (1024, 1024)
    assert scaled.getpixel((0, 0))[3] == 0  # type: ignore[index]
    assert scaled.getpixel((512, 1))[3] == 255  # type: ignore[index]

    fallback = picture(
        render_expo(spec, {"assets/icon-512.png": b"not a png"}).contents()["assets/icon.png"]
    )
    assert fallback.size == (1024, 1024)
    primary = tuple(int(spec.theme.primary[i : i + 2], 16) for i in (1, 3, 5))
    assert fallback.getpixel((0, 0)) == (*primary, 255)
    assert expo_image_paths(
        ["assets/icon-192.png", "assets/icon-512.png", "assets/icon-1024.png", "a.png"]
    ) == ["assets/icon-1024.png", "assets/icon-512.png", "assets/icon-192.png"]


def test_the_same_spec_gives_the_same_files() -> None:
    spec = APPS["budget"]
    assert render_expo(spec).contents() == render_expo(spec).contents()


def test_hostile_text_reaches_typescript_only_inside_escaped_string_literals() -> None:
    spec = hostile()
    files = text_files(spec)
    for path, text in files.items():
        if not path.endswith((".ts", ".tsx", ".json")):
            continue
        for raw in (HOSTILE_NAME, HOSTILE_LABEL, "</script", "\u2028"):
            assert raw not in text, f"{path} holds {raw!r} unescaped"
    assert literal(files["src/spec.ts"], "export const spec: AppSpec = ") == spec_data(spec)
    tab = next(s for s in spec.tab_bar if s.title == HOSTILE_TAB)
    screen_file = files[expo_screen_path(tab)]
    assert literal(screen_file, "const screen: ScreenDef = ") == tab.model_dump(mode="json")
    # Around the literal a screen file is fixed text and the route (an identifier), nothing else.
    head, _, tail = screen_file.partition("const screen: ScreenDef = ")
    assert tail[tail.index(";\n") :] == (
        ";\n\nexport default function Screen() {\n  return <ScreenView screen={screen} />;\n}\n"
    )
    assert head.count("\n") == 5
    assert all(text not in head for text in (HOSTILE_NAME, HOSTILE_TAB, HOSTILE_LABEL))
    assert HOSTILE_LABEL not in files["README.md"]


def test_records_are_stored_under_the_storage_keys_of_entities_and_fields() -> None:
    spec = APPS["todo"]
    data = spec.model_dump()
    data["entities"][0]["stored_as"] = "old_task"
    data["entities"][0]["fields"][0]["stored_as"] = "old_title"
    renamed = AppSpec.model_validate(data)
    module = literal(text_files(renamed)["src/spec.ts"], "export const spec: AppSpec = ")
    assert isinstance(module, dict)
    assert module["entities"][0]["stored_as"] == "old_task"
    assert module["entities"][0]["fields"][0]["stored_as"] == "old_title"
    store = template("src/store.ts")
    assert "const PREFIX = `appgen:${spec.slug}:`;" in store
    assert "return `${PREFIX}records:${storageKey(entity)}`;" in store
    assert "return item.stored_as ?? item.name;" in store


@pytest.mark.parametrize(
    ("model", "interface"),
    [
        (AppSpec, "AppSpec"),
        (Theme, "ThemeDef"),
        (Entity, "EntityDef"),
        (EntityField, "FieldDef"),
        (Screen, "ScreenDef"),
        (Component, "ComponentDef"),
    ],
)
def test_the_typescript_types_name_every_field_of_the_spec(
    model: type[BaseModel], interface: str
) -> None:
    """An object literal with a key its type lacks fails `tsc`: the types must keep up."""
    types = template("src/types.ts")
    body = types[types.index(f"export interface {interface} {{") :]
    body = body[: body.index("\n}\n")]
    keys = set(re.findall(r"^  (\w+): ", body, flags=re.M))
    assert keys == set(model.model_fields)
