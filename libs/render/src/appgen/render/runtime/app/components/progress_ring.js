// A ring showing how many records are done (the entity's yes/no field).
import { h, s } from "../dom.js";
import { store } from "../store.js";

export default function progressRing({ spec, component, entity: fallback }) {
  const entity = (component?.entity && spec.entities.find((e) => e.name === component.entity)) ?? fallback;
  const field = entity?.fields.find((f) => f.name === component?.field && f.type === "boolean") ?? entity?.fields.find((f) => f.type === "boolean");
  if (!entity || !field) return null;
  const records = store.all(entity.name);
  const done = records.filter((r) => r[field.name]).length;
  const share = records.length ? done / records.length : 0;
  const r = 40;
  const length = 2 * Math.PI * r;
  return h("div", { class: "ring card" },
    s("svg", { viewBox: "0 0 100 100", role: "img", "aria-label": `${Math.round(share * 100)}% ${field.label.toLowerCase()}` },
      s("circle", { cx: 50, cy: 50, r, fill: "none", stroke: "var(--tint-strong)", "stroke-width": 10 }),
      share > 0 && s("circle", {
        cx: 50, cy: 50, r, fill: "none", stroke: "var(--primary)", "stroke-width": 10, "stroke-linecap": "round",
        "stroke-dasharray": `${length * share} ${length}`, transform: "rotate(-90 50 50)",
      }),
      s("text", { x: 50, y: 56, "text-anchor": "middle", "font-size": 18, "font-weight": 800, fill: "var(--text)", text: `${Math.round(share * 100)}%` })),
    h("div", {},
      h("p", { class: "ring-value", text: `${done} of ${records.length}` }),
      h("p", { class: "muted", text: `${entity.plural} ${field.label.toLowerCase()}` })));
}
