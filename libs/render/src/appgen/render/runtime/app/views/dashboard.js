// The overview: a greeting, stat tiles, a chart when the app has charts, and recent records.
import { mount } from "../components.js";
import { h } from "../dom.js";
import { titleOf } from "../format.js";
import { appIcon } from "../images.js";
import { recordHref } from "../links.js";
import { spec } from "../spec.js";
import { store } from "../store.js";
import { section, setAppBar } from "../ui.js";
import { subtitle } from "../fallbacks.js";
import { componentsOf, live, propsFor } from "./shared.js";

function greeting() {
  const hour = new Date().getHours();
  return hour < 5 ? "Good night" : hour < 12 ? "Good morning" : hour < 18 ? "Good afternoon" : "Good evening";
}

function recent() {
  const all = spec.entities.flatMap((entity) => store.all(entity.name).map((record) => ({ entity, record })));
  all.sort((a, b) => String(b.record.createdAt ?? "").localeCompare(String(a.record.createdAt ?? "")));
  if (!all.length) {
    return h("p", { class: "muted recent-empty", text: "Nothing here yet. What you add shows up here." });
  }
  return h("ul", { class: "records" }, all.slice(0, 5).map(({ entity, record }) => {
    const href = recordHref(entity.name, record.id);
    const inner = [
      h("span", { class: "avatar", "aria-hidden": "true", text: entity.icon }),
      h("span", { class: "record-text" },
        h("span", { class: "record-title", text: titleOf(entity, record) }),
        h("span", { class: "record-sub", text: subtitle(entity, record) || entity.label })),
    ];
    return h("li", { class: "record" }, href ? h("a", { class: "record-link", href }, inner) : h("span", { class: "record-link" }, inner));
  }));
}

export async function dashboardView(ctx, screen) {
  setAppBar({ title: screen.title });
  const components = componentsOf(screen);
  const kinds = components.map((c) => c.kind);
  const hero = h("div", { class: "hello card" },
    appIcon(spec, "hello-icon"),
    h("div", {},
      h("p", { class: "hello-greeting", text: greeting() }),
      h("h2", { class: "hello-name", text: spec.name }),
      h("p", { class: "muted hello-desc", text: spec.description })));

  const body = h("div", { class: "dashboard-body" });
  const renderBody = async () => {
    const parts = [];
    if (!kinds.includes("stat_tiles")) parts.push(await mount("stat_tiles", propsFor(ctx, screen, null)));
    for (const component of components) {
      if (component.kind === "header" || component.kind === "record_list") continue;
      const node = await mount(component.kind, propsFor(ctx, screen, component));
      // Tiles and charts carry their own headings.
      if (node) parts.push(["stat_tiles", "chart"].includes(component.kind) ? node : section(component.title ?? null, node));
    }
    if (!kinds.includes("chart") && spec.features.includes("charts")) {
      const node = await mount("chart", propsFor(ctx, screen, null));
      if (node) parts.push(section("Overview", node));
    }
    parts.push(section("Recent", recent()));
    body.replaceChildren(...parts.filter(Boolean));
  };
  await renderBody();
  live(ctx, renderBody);
  return h("div", { class: "screen screen-dashboard" }, hero, body);
}
