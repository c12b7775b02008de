// This month as a grid, with a dot on each day that has records (by the entity's date field).
import { h } from "../dom.js";
import { store } from "../store.js";

function dayKey(date) {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}

export default function calendar({ spec, component, entity: fallback }) {
  const entity = (component?.entity && spec.entities.find((e) => e.name === component.entity)) ?? fallback;
  if (!entity) return null;
  const field = entity.fields.find((f) => f.name === component?.field) ?? entity.fields.find((f) => f.type === "date" || f.type === "datetime");
  const counts = new Map();
  for (const record of store.all(entity.name)) {
    const raw = (field && record[field.name]) || record.createdAt;
    if (!raw) continue;
    const key = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : dayKey(new Date(raw));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const today = new Date();
  const first = new Date(today.getFullYear(), today.getMonth(), 1);
  const days = new Date(today.getFullYear(), today.getMonth() + 1, 0).getDate();
  const lead = (first.getDay() + 6) % 7;
  const cells = [];
  for (const d of ["M", "T", "W", "T", "F", "S", "S"]) cells.push(h("span", { class: "calendar-dow", "aria-hidden": "true", text: d }));
  for (let i = 0; i < lead; i += 1) cells.push(h("span", {}));
  for (let day = 1; day <= days; day += 1) {
    const date = new Date(today.getFullYear(), today.getMonth(), day);
    const n = counts.get(dayKey(date)) ?? 0;
    const classes = ["calendar-day", day === today.getDate() ? "today" : "", n ? "has" : ""].filter(Boolean).join(" ");
    cells.push(h("span", { class: classes, "aria-label": `${date.toLocaleDateString(undefined, { dateStyle: "long" })}${n ? `: ${n} ${n === 1 ? entity.label.toLowerCase() : entity.plural.toLowerCase()}` : ""}`, text: String(day) }));
  }
  return h("div", { class: "calendar card" },
    h("div", { class: "calendar-head" },
      h("span", { text: today.toLocaleDateString(undefined, { month: "long", year: "numeric" }) }),
      h("span", { class: "muted small", text: entity.plural })),
    h("div", { class: "calendar-grid", role: "group", "aria-label": "This month" }, cells));
}
