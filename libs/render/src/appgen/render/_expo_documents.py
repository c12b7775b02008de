"""The Expo project's generated documents: package.json, app.json, the README, the spec module,
the component registry and the screen files. Spec values reach TypeScript only through `_embed`."""

from __future__ import annotations

import json

from appgen.render._documents import spec_data
from appgen.render._embed import html_text, js_value
from appgen.spec import AppSpec, ComponentKind, Screen

SDK = 54
# What Expo SDK 54 expects (`npx expo install --check`): expo's own bundledNativeModules.json
# for expo@54.0.38, and the SDK 54 TypeScript template's dev dependencies.
DEPENDENCIES: dict[str, str] = {
    "@expo/metro-runtime": "~6.1.2",
    "@react-native-async-storage/async-storage": "2.2.0",
    "@react-navigation/native": "^7.1.8",
    "expo": "~54.0.38",
    "expo-constants": "~18.0.14",
    "expo-linking": "~8.0.12",
    "expo-router": "~6.0.24",
    "expo-splash-screen": "~31.0.13",
    "expo-status-bar": "~3.0.9",
    "expo-system-ui": "~6.0.9",
    "react": "19.1.0",
    "react-dom": "19.1.0",
    "react-native": "0.81.5",
    "react-native-safe-area-context": "~5.6.0",
    "react-native-screens": "~4.16.0",
    "react-native-web": "~0.21.0",
}
DEV_DEPENDENCIES: dict[str, str] = {"@types/react": "~19.1.0", "typescript": "~5.9.2"}
ICON = "assets/icon.png"
FAVICON = "assets/favicon.png"
_STYLE = {"auto": "automatic", "light": "light", "dark": "dark"}


def expo_slug(spec: AppSpec) -> str:
    """Expo slugs and URL schemes take letters, digits and hyphens; spec slugs may have '_'."""
    return spec.slug.replace("_", "-")


def package_json(spec: AppSpec) -> str:
    data = {
        "name": expo_slug(spec),
        "version": "1.0.0",
        "private": True,
        "main": "expo-router/entry",
        "scripts": {
            "start": "expo start",
            "android": "expo start --android",
            "ios": "expo start --ios",
            "web": "expo start --web",
            "typecheck": "tsc --noEmit",
            "export:web": "expo export --platform web",
        },
        "dependencies": DEPENDENCIES,
        "devDependencies": DEV_DEPENDENCIES,
    }
    return json.dumps(data, indent=2) + "\n"


def app_json(spec: AppSpec) -> str:
    theme = spec.theme
    splash = {
        "image": f"./{ICON}",
        "imageWidth": 200,
        "resizeMode": "contain",
        "backgroundColor": theme.background,
        "dark": {"image": f"./{ICON}", "backgroundColor": theme.dark_background},
    }
    data = {
        "expo": {
            "name": spec.name,
            "slug": expo_slug(spec),
            "scheme": expo_slug(spec),
            "version": "1.0.0",
            "orientation": "portrait",
            "icon": f"./{ICON}",
            "userInterfaceStyle": _STYLE[theme.appearance],
            "newArchEnabled": True,
            "primaryColor": theme.primary,
            "backgroundColor": theme.background,
            "ios": {"supportsTablet": True},
            "android": {
                "adaptiveIcon": {
                    "foregroundImage": f"./{ICON}",
                    "backgroundColor": theme.primary,
                },
                "edgeToEdgeEnabled": True,
            },
            "web": {"bundler": "metro", "output": "single", "favicon": f"./{FAVICON}"},
            "plugins": ["expo-router", ["expo-splash-screen", splash]],
        }
    }
    # The same escaping as the modules: app.json is data, but tools paste it into pages.
    return js_value(data, indent=2) + "\n"


def spec_module(spec: AppSpec) -> str:
    return (
        "// The app's spec as data. Everything the screens show comes from here, as text.\n"
        'import type { AppSpec } from "./types";\n'
        "\n"
        f"export const spec: AppSpec = {js_value(spec_data(spec), indent=2)};\n"
    )


def component_name(kind: ComponentKind) -> str:
    return "".join(part.capitalize() for part in kind.value.split("_"))


def registry_module(kinds: tuple[ComponentKind, ...]) -> str:
    """The components this app has, by kind; the views draw built-in basics for the rest."""
    imports = "".join(
        f'import {component_name(k)} from "../components/{k.value}";\n' for k in kinds
    )
    entries = "".join(f"  {k.value}: {component_name(k)},\n" for k in kinds)
    return (
        "// The component kinds this app's screens use, one module each.\n"
        'import type { ComponentType } from "react";\n'
        "\n"
        'import type { ComponentKind, ComponentProps } from "./types";\n'
        f"{imports}"
        "\n"
        "export const components: Partial<Record<ComponentKind, ComponentType<ComponentProps>>> = {\n"
        f"{entries}"
        "};\n"
    )


def screen_file(screen: Screen) -> str:
    # Only the route (an identifier) and kind (an enum) go in the comment: spec text never does.
    up = "../../" if screen.in_tab_bar else "../"
    return (
        f"// The {screen.route} screen ({screen.kind.value}). Its definition is data; the shared\n"
        "// views draw it.\n"
        f'import type {{ ScreenDef }} from "{up}src/types";\n'
        f'import {{ ScreenView }} from "{up}src/views/ScreenView";\n'
        "\n"
        f"const screen: ScreenDef = {js_value(screen.model_dump(mode='json'), indent=2)};\n"
        "\n"
        "export default function Screen() {\n"
        "  return <ScreenView screen={screen} />;\n"
        "}\n"
    )


def readme(spec: AppSpec) -> str:
    name = html_text(spec.name)
    tabs = ", ".join(html_text(s.title) for s in spec.tab_bar)
    return f"""# {name}

An [Expo](https://expo.dev) Router app in TypeScript, generated by appgen from its app spec.

## Run it

You need Node.js 20 or newer.

```sh
npm install
npx expo start
```

Scan the QR code that `expo start` prints with **Expo Go** (Android) or the Camera app (iPhone),
or press `w` to open it in a browser. Other commands:

- `npx tsc --noEmit`: type-check the project;
- `npx expo export --platform web`: build the web version into `dist/` (serve it with any
  static server that answers unknown paths with `index.html`).

## Why Expo SDK {SDK}

This project targets **Expo SDK {SDK}** (expo ~54.0, expo-router ~6.0, React Native 0.81,
React 19.1). Expo Go runs exactly one SDK per build, and the Expo Go in Apple's App Store stops
at SDK {SDK}: a newer SDK would need a development build or TestFlight to open on an iPhone.
Keep the versions in `package.json` as they are (or move them together with
`npx expo install --fix`) so that the phone's Expo Go can open it.

## What is inside

- `app/`: the screens, one file each (Expo Router: the file is the route). The tab bar holds
  {tabs}; lists, records and forms are pushed over it. `app/_layout.tsx` and
  `app/(tabs)/_layout.tsx` set up the navigation.
- `components/`: one component per kind the screens use.
- `src/spec.ts`: the app's definition as data; `src/store.ts` keeps records on the device
  with `@react-native-async-storage/async-storage`; `src/theme.tsx` has the light and dark
  themes (Settings lets a person pick; "System" follows the phone).
- `assets/`: the app icon (also the splash image) and the web favicon.

Records are stored under `appgen:{spec.slug}:records:<list>` keys, the same as the web preview.
"""
