// Built-in basics for the components a screen cannot do without. The generated component
// modules replace these with richer versions once they land.
import { h } from "./dom.js";
import { isEmpty, titleOf, valueText } from "./format.js";
import { recordHref, newHref } from "./links.js";
import { store } from "./store.js";

export function header({ title }) {
  return h("h2", { class: "screen-heading", text: title });
}

export function search_bar({ entity, query, onQuery }) {
  const id = `search-${entity.name}`;
  return h("div", { class: "search" },
    h("label", { for: id, class: "visually-hidden", text: `Search ${entity.plural}` }),
    h("input", {
      id, type: "search", class: "search-input", value: query ?? "", placeholder: `Search ${entity.plural.toLowerCase()}`,
      autocomplete: "off", oninput: (e) => onQuery(e.target.value),
    }));
}

/** A short line under a record's title: the first few other fields that have values. */
export function subtitle(entity, record) {
  return entity.fields
    .filter((f) => f.name !== entity.title_field && !["image", "long_text"].includes(f.type) && !isEmpty(record[f.name]))
    .slice(0, 2)
    .map((f) => (f.type === "boolean" ? (record[f.name] ? f.label : "") : valueText(f, record[f.name])))
    .filter(Boolean)
    .join(" · ");
}

function toggleField(entity) {
  return entity.fields.find((f) => f.type === "boolean") ?? null;
}

function avatar(entity, record) {
  const photo = entity.fields.find((f) => f.type === "image" && typeof record[f.name] === "string" && record[f.name].startsWith("data:image/"));
  return photo
    ? h("img", { class: "avatar", src: record[photo.name], alt: "" })
    : h("span", { class: "avatar", "aria-hidden": "true", text: entity.icon });
}

export function record_list({ entity, records, route }) {
  const toggle = toggleField(entity);
  return h("ul", { class: "records", "aria-label": entity.plural },
    records.map((record) => {
      const title = titleOf(entity, record);
      const done = toggle ? Boolean(record[toggle.name]) : false;
      return h("li", { class: done ? "record done" : "record", dataset: { id: record.id } },
        toggle
          ? h("button", {
            type: "button", class: done ? "check checked" : "check", role: "switch", "aria-checked": String(done),
            "aria-label": `${toggle.label}: ${title}`,
            onclick: () => store.save(entity.name, { [toggle.name]: !done }, record.id),
          }, h("span", { "aria-hidden": "true", text: done ? "✓" : "" }))
          : avatar(entity, record),
        h("a", { class: "record-link", href: recordHref(entity.name, record.id, route) },
          h("span", { class: "record-text" },
            h("span", { class: "record-title", text: title }),
            h("span", { class: "record-sub", text: subtitle(entity, record) })),
          h("span", { class: "chevron", "aria-hidden": "true", text: "›" })));
    }));
}

export const card_grid = record_list;

export function empty_state({ entity, query, route }) {
  const href = newHref(entity.name, route);
  return h("div", { class: "empty" },
    h("div", { class: "empty-glyph", "aria-hidden": "true", text: entity.icon }),
    h("p", { class: "empty-title", text: query ? `No ${entity.plural.toLowerCase()} match “${query}”` : `No ${entity.plural.toLowerCase()} yet` }),
    !query && href ? h("a", { class: "btn btn-primary", href, text: `Add ${entity.label.toLowerCase()}` }) : null);
}

export function stat_tiles({ spec }) {
  return h("div", { class: "tiles" },
    spec.entities.map((entity) => h("div", { class: "tile" },
      h("span", { class: "tile-value", text: String(store.all(entity.name).length) }),
      h("span", { class: "tile-label", text: entity.plural }))));
}
