// Hash routes: #/<route>, #/<route>/new, #/<route>/<id>, #/<route>/<id>/edit.
// Screen modules are imported on demand; one that has not been written yet shows a placeholder,
// and the page reloads itself when it lands.
import { h } from "./dom.js";
import { screenFor } from "./links.js";
import { spec } from "./spec.js";
import { setAppBar } from "./ui.js";

export function parseHash(hash) {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  const [route = spec.home, second = null, third = null] = parts;
  if (second === "new") return { route, params: { id: null, mode: "new" } };
  if (second) return { route, params: { id: second, mode: third === "edit" ? "edit" : null } };
  return { route, params: { id: null, mode: null } };
}

/** The screen that should draw these params: an entity's form or detail screen when it has one. */
function target(screen, params) {
  if (!screen.entity) return screen;
  const needed = params.mode ? "form" : params.id ? "detail" : screen.kind;
  return needed === screen.kind ? screen : screenFor(needed, screen.entity) ?? screen;
}

async function loadScreen(screen) {
  try {
    return (await import(`./screens/${screen.route}.js`)).default ?? null;
  } catch {
    return null;
  }
}

function placeholder(screen) {
  setAppBar({ title: screen.title });
  return h("div", { class: "screen placeholder", role: "status" },
    h("div", { class: "placeholder-glyph", "aria-hidden": "true", text: screen.icon }),
    h("div", { class: "spinner", "aria-hidden": "true" }),
    h("p", { class: "placeholder-title", text: "This screen is being generated…" }),
    h("p", { class: "muted", text: screen.title }));
}

function missing(route) {
  setAppBar({ title: "Not found" });
  return h("div", { class: "screen empty" },
    h("p", { class: "empty-title", text: `There is no screen called “${route}”.` }),
    h("a", { class: "btn btn-primary", href: `#/${spec.home}`, text: "Go home" }));
}

function tabFor(screen) {
  const tabs = spec.screens.filter((sc) => sc.in_tab_bar);
  return tabs.find((t) => t.route === screen.route) ?? tabs.find((t) => screen.entity && t.entity === screen.entity) ?? null;
}

export function startRouter(shell) {
  let token = 0;
  let cleanups = [];
  const navigate = (hash) => {
    if (location.hash === hash) render();
    else location.hash = hash;
  };

  async function render() {
    token += 1;
    const mine = token;
    for (const cleanup of cleanups) cleanup();
    cleanups = [];
    const { route, params } = parseHash(location.hash);
    const screen = spec.screens.find((sc) => sc.route === route);
    if (!screen) {
      shell.main.replaceChildren(missing(route));
      shell.main.dataset.hash = location.hash;
      return;
    }
    const tab = tabFor(screen);
    for (const link of shell.tabs) {
      if (tab && link.dataset.route === tab.route) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    const chosen = target(screen, params);
    let view = await loadScreen(chosen);
    if (!view && chosen !== screen) view = await loadScreen(screen);
    if (mine !== token) return;
    const ctx = { route, params, navigate, onLeave: (fn) => cleanups.push(fn) };
    const node = view ? await view(ctx) : placeholder(chosen);
    if (mine !== token) return;
    shell.main.replaceChildren(node);
    shell.main.dataset.route = route;
    // What tests and tools wait on: the hash this content was drawn for.
    shell.main.dataset.hash = location.hash;
    window.scrollTo(0, 0);
    document.documentElement.dataset.ready = "true";
  }

  window.addEventListener("hashchange", render);
  return render();
}
