"""Generated documents: the entry page, the PWA manifest, the service worker, the spec module
and the screen modules. Spec values reach them only through `_embed`."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from appgen.render._embed import html_text, js_value
from appgen.spec import AppSpec, Screen

SHORT_NAME_LENGTH = 12


def spec_data(spec: AppSpec) -> dict[str, Any]:
    """The spec as JSON data, with set-valued fields sorted so output is deterministic."""
    data = spec.model_dump(mode="json")
    data["features"] = sorted(feature.value for feature in spec.features)
    return data


def spec_version(spec: AppSpec) -> str:
    """A short digest of the spec: names the offline cache, so a new spec never reads stale files."""
    canonical = json.dumps(spec_data(spec), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def spec_module(spec: AppSpec) -> str:
    return (
        "// The app's spec as data. Everything the runtime shows comes from here, as text.\n"
        f"export const spec = {js_value(spec_data(spec))};\n"
        "export default spec;\n"
    )


def screen_module(screen: Screen) -> str:
    # Only the route (an identifier) and kind (an enum) go in the comment: spec text never does.
    return (
        f"// The {screen.route} screen ({screen.kind.value}). Its definition is data; the shared\n"
        "// views in the base runtime draw it and import its components when they exist.\n"
        'import { mountScreen } from "../views/index.js";\n'
        "\n"
        f"export const screen = {js_value(screen.model_dump(mode='json'))};\n"
        "\n"
        "export default function render(ctx) {\n"
        "  return mountScreen(ctx, screen);\n"
        "}\n"
    )


def index_html(spec: AppSpec) -> str:
    """The entry page: no inline script or handler, so it runs under `script-src 'self'`."""
    name = html_text(spec.name)
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <title>{name}</title>
  <meta name="description" content="{html_text(spec.description)}">
  <meta name="theme-color" content="{spec.theme.background}">
  <meta name="color-scheme" content="light dark">
  <meta name="apple-mobile-web-app-capable" content="yes">
  <link rel="manifest" href="manifest.webmanifest">
  <link rel="icon" href="assets/icon.svg" type="image/svg+xml">
  <link rel="apple-touch-icon" href="assets/icon-192.png">
  <link rel="stylesheet" href="styles/app.css">
  <script type="module" src="app/main.js"></script>
</head>
<body>
  <div id="app"><div class="boot" role="status">Loading {name}…</div></div>
  <noscript><p class="boot">{name} needs JavaScript to run.</p></noscript>
</body>
</html>
"""


def manifest(spec: AppSpec) -> str:
    short = (
        spec.name if len(spec.name) <= SHORT_NAME_LENGTH else spec.name[:SHORT_NAME_LENGTH].rstrip()
    )
    data = {
        "name": spec.name,
        "short_name": short,
        "description": spec.description,
        "id": "./",
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": spec.theme.background,
        "theme_color": spec.theme.primary,
        "icons": [
            {"src": "assets/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "assets/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {
                "src": "assets/icon-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": "assets/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    # Escaped like the modules: the manifest is data, but tools do paste it into pages.
    return js_value(data, indent=2) + "\n"


def service_worker(spec: AppSpec) -> str:
    """Network first: a preview changes while it is generated, so the cache is only for offline."""
    prefix = f"appgen-{spec.slug}-"
    return f"""// Offline cache. Network first, because a preview keeps changing while it is generated;
// only successful answers are kept, and they are served only when the network is gone.
const PREFIX = {js_value(prefix)};
const CACHE = PREFIX + {js_value(spec_version(spec))};

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {{
  event.waitUntil((async () => {{
    for (const key of await caches.keys()) {{
      if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
    }}
    await self.clients.claim();
  }})());
}});

self.addEventListener("fetch", (event) => {{
  const request = event.request;
  // Only the app's own files: never the host's API, and never an endless event stream.
  if (request.method !== "GET" || !request.url.startsWith(self.registration.scope)) return;
  if ((request.headers.get("accept") || "").includes("text/event-stream")) return;
  event.respondWith((async () => {{
    try {{
      const response = await fetch(request, {{ cache: "no-cache" }});
      if (response.ok) {{
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
      }}
      return response;
    }} catch (error) {{
      const cached = await caches.match(request, {{ ignoreSearch: request.mode === "navigate" }});
      if (cached) return cached;
      throw error;
    }}
  }})());
}});
"""
