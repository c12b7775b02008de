// A list of one entity's records: search, optional filter chips, list or cards, empty state.
import { mount } from "../components.js";
import { h } from "../dom.js";
import { entityOf, valueText } from "../format.js";
import { newHref } from "../links.js";
import { store } from "../store.js";
import { iconButton, setAppBar } from "../ui.js";
import { listed, live, mountExtras, propsFor } from "./shared.js";

const PLACED = ["header", "search_bar", "filter_chips", "record_list", "card_grid", "empty_state"];

export function matches(entity, record, query) {
  const needle = query.trim().toLowerCase();
  if (!needle) return true;
  return entity.fields.some((f) => {
    const raw = record[f.name];
    if (raw === undefined || raw === null || f.type === "image") return false;
    return `${valueText(f, raw)} ${f.type === "choice" || f.type.includes("text") ? raw : ""}`.toLowerCase().includes(needle);
  });
}

export async function listView(ctx, screen, { linkRoute = ctx.route, title = screen.title } = {}) {
  const entity = entityOf(screen.entity);
  const addHref = newHref(entity.name, linkRoute);
  setAppBar({ title, action: addHref ? iconButton({ label: `New ${entity.label}`, glyph: "+", href: addHref }) : null });

  const state = { query: "", filter: null };
  const body = h("div", { class: "list-body", "aria-live": "polite" });
  const chipsSpec = listed(screen, "filter_chips");
  const listKind = listed(screen, "card_grid") ? "card_grid" : "record_list";

  const renderBody = async () => {
    const records = store.all(entity.name).filter((record) => {
      if (!matches(entity, record, state.query)) return false;
      if (state.filter && chipsSpec?.field) return String(record[chipsSpec.field] ?? "") === String(state.filter);
      return true;
    });
    const props = propsFor(ctx, screen, listed(screen, listKind), { entity, records, query: state.query, route: linkRoute });
    const node = records.length ? await mount(listKind, props) : await mount("empty_state", props);
    body.replaceChildren(...(node ? [node] : []));
  };

  const headerNode = listed(screen, "header")
    ? await mount("header", propsFor(ctx, screen, listed(screen, "header"), { entity, title }))
    : null;
  const search = await mount("search_bar", propsFor(ctx, screen, listed(screen, "search_bar"), {
    entity, query: state.query, onQuery: (query) => { state.query = query; renderBody(); },
  }));
  const chips = chipsSpec
    ? await mount("filter_chips", propsFor(ctx, screen, chipsSpec, {
      entity, value: state.filter, onFilter: (value) => { state.filter = value; renderBody(); },
    }))
    : null;

  await renderBody();
  live(ctx, renderBody);
  const extras = await mountExtras(ctx, screen, PLACED);
  return h("div", { class: "screen screen-list" },
    headerNode, h("div", { class: "list-tools" }, search, chips), extras, body,
    addHref ? h("a", { class: "fab", href: addHref, "aria-label": `New ${entity.label}` }, h("span", { "aria-hidden": "true", text: "+" })) : null);
}

/** A detail screen opened without a record: pick one. */
export async function pickerView(ctx, screen) {
  return listView(ctx, screen, { title: screen.title });
}
