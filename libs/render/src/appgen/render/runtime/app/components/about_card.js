// What the app holds: its kinds of records and how many of each are on this device.
import { h } from "../dom.js";
import { store } from "../store.js";

export default function aboutCard({ spec }) {
  return h("ul", { class: "settings-list card" }, spec.entities.map((entity) => {
    const fields = entity.fields.map((f) => f.label).slice(0, 4).join(", ");
    return h("li", {},
      h("span", { class: "avatar", "aria-hidden": "true", text: entity.icon }),
      h("span", { class: "grow" }, h("strong", { text: entity.plural }), h("br"), h("span", { class: "muted small", text: fields })),
      h("span", { class: "pill", text: String(store.all(entity.name).length) }));
  }));
}
