// On a record's page: the records of other entities that point at it.
import { h } from "../dom.js";
import { titleOf } from "../format.js";
import { recordHref } from "../links.js";
import { store } from "../store.js";

export default function recordDetail({ spec, entity, record }) {
  const sections = [];
  for (const other of spec.entities) {
    for (const field of other.fields) {
      if (field.type !== "reference" || field.reference !== entity.name) continue;
      const linked = store.all(other.name).filter((r) => r[field.name] === record.id);
      if (!linked.length) continue;
      sections.push(h("section", { class: "section related" },
        h("h3", { class: "section-title", text: `${other.plural} (${linked.length})` }),
        h("ul", { class: "records" }, linked.map((r) => h("li", { class: "record" },
          h("a", { class: "record-link", href: recordHref(other.name, r.id) },
            h("span", { class: "avatar", "aria-hidden": "true", text: other.icon }),
            h("span", { class: "record-title", text: titleOf(other, r) })))))));
    }
  }
  return sections.length ? h("div", {}, sections) : null;
}
