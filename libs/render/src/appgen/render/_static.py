"""The app runtime: JavaScript and CSS shipped with this package as plain files.

They are constants of the renderer, read once; keeping them as real `.js` and `.css` files
lets them be read, linted and diffed like the code they are.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from appgen.spec import ComponentKind

# The runtime's modules, in dependency order. Listed, not globbed, so nothing ships by accident.
BASE_MODULES: tuple[str, ...] = (
    "app/dom.js",
    "app/store.js",
    "app/theme.js",
    "app/format.js",
    "app/images.js",
    "app/ui.js",
    "app/links.js",
    "app/fallbacks.js",
    "app/components.js",
    "app/views/shared.js",
    "app/views/detail.js",
    "app/views/form.js",
    "app/views/list.js",
    "app/views/dashboard.js",
    "app/views/settings.js",
    "app/views/about.js",
    "app/views/index.js",
    "app/router.js",
    "app/main.js",
)
STYLES = "styles/app.css"


@cache
def runtime_text(path: str) -> str:
    """The text of one runtime file, by its path in the generated app."""
    return (files("appgen.render") / "runtime" / path).read_text(encoding="utf-8")


def component_path(kind: ComponentKind) -> str:
    return f"app/components/{kind.value}.js"
