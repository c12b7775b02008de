// The app's entry: theme, shell (app bar, content, tab bar), router, offline cache.
import { h } from "./dom.js";
import { startRouter } from "./router.js";
import { spec } from "./spec.js";
import { applyTheme } from "./theme.js";
import { setShell } from "./ui.js";

function buildShell(root) {
  const back = h("a", { class: "icon-btn back", href: `#/${spec.home}`, "aria-label": "Back", hidden: true },
    h("span", { "aria-hidden": "true", text: "‹" }));
  back.addEventListener("click", (event) => {
    event.preventDefault();
    location.hash = back.dataset.href || `#/${spec.home}`;
  });
  const title = h("h1", { class: "appbar-title", text: spec.name });
  const actions = h("div", { class: "appbar-actions" });
  const main = h("main", { id: "main", class: "content", tabindex: "-1" });
  const tabs = spec.screens.filter((sc) => sc.in_tab_bar).map((sc) =>
    h("a", { class: "tab", href: `#/${sc.route}`, dataset: { route: sc.route } },
      h("span", { class: "tab-icon", "aria-hidden": "true", text: sc.icon }),
      h("span", { class: "tab-label", text: sc.title })));
  const brand = h("div", { class: "rail-brand" },
    h("span", { class: "rail-icon", "aria-hidden": "true", text: spec.theme.icon }),
    h("span", { class: "rail-name", text: spec.name }));
  root.replaceChildren(
    h("a", { class: "skip", href: "#main", text: "Skip to content", onclick: (e) => { e.preventDefault(); main.focus(); } }),
    h("div", { class: "app" },
      h("header", { class: "appbar" }, back, title, actions),
      main,
      h("nav", { class: "tabbar", "aria-label": "Main" }, brand, tabs)),
    h("div", { id: "toast", class: "toasts", role: "status", "aria-live": "polite" }));
  return { title, back, actions, main, tabs, appName: spec.name };
}

function registerOfflineCache() {
  if (!("serviceWorker" in navigator) || !location.protocol.startsWith("http")) return;
  let workers;
  try {
    workers = navigator.serviceWorker;
  } catch {
    return; // a sandboxed frame (the gateway's page) has none: nothing to cache offline
  }
  workers.register(new URL("../sw.js", import.meta.url)).catch(() => {
    // The app works without it; only offline use is lost.
  });
}

applyTheme();
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => applyTheme());
const shell = buildShell(document.getElementById("app"));
setShell(shell);
startRouter(shell);
registerOfflineCache();
