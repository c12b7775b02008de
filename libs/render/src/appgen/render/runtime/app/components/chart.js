// A small inline-SVG chart of one entity: by choice, yes/no, a number's daily total, or per day.
import { h, s } from "../dom.js";
import { formatNumber } from "../format.js";
import { store } from "../store.js";

const DAYS = 7;

function dayKey(date) {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}

function series(entity, field, records) {
  if (field?.type === "choice") return field.choices.map((c) => [c, records.filter((r) => r[field.name] === c).length]);
  if (field?.type === "boolean") {
    const yes = records.filter((r) => r[field.name]).length;
    return [[field.label, yes], [`Not ${field.label.toLowerCase()}`, records.length - yes]];
  }
  const dateField = entity.fields.find((f) => f.type === "date" || f.type === "datetime");
  const days = [];
  for (let i = DAYS - 1; i >= 0; i -= 1) {
    const day = new Date();
    day.setDate(day.getDate() - i);
    days.push([dayKey(day), day.toLocaleDateString(undefined, { weekday: "short" }), 0]);
  }
  for (const record of records) {
    const raw = (dateField && record[dateField.name]) || record.createdAt;
    if (!raw) continue;
    const key = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : dayKey(new Date(raw));
    const slot = days.find((d) => d[0] === key);
    if (slot) slot[2] += field && (field.type === "number" || field.type === "money") ? Number(record[field.name]) || 0 : 1;
  }
  return days.map(([, label, value]) => [label, value]);
}

export default function chart({ spec, component, entity: fallbackEntity }) {
  const entity = (component?.entity && spec.entities.find((e) => e.name === component.entity)) ?? fallbackEntity ?? spec.entities[0];
  if (!entity) return null;
  const field = component?.field ? entity.fields.find((f) => f.name === component.field) : null;
  const records = store.all(entity.name);
  const data = series(entity, field, records);
  const max = Math.max(1, ...data.map(([, v]) => v));
  const width = 320;
  const height = 160;
  const gap = 10;
  const barW = (width - gap * (data.length + 1)) / data.length;
  const title = component?.title ?? (field ? `${entity.plural} by ${field.label.toLowerCase()}` : `${entity.plural} this week`);
  const bars = data.map(([label, value], i) => {
    const barH = Math.max(2, ((height - 44) * value) / max);
    const x = gap + i * (barW + gap);
    const y = height - 24 - barH;
    return s("g", {},
      s("title", { text: `${label}: ${formatNumber(value)}` }),
      s("rect", { x, y, width: barW, height: barH, rx: 6, fill: "var(--primary)", opacity: value ? 1 : 0.25 }),
      s("text", { x: x + barW / 2, y: y - 6, "text-anchor": "middle", "font-size": 11, fill: "var(--muted)", text: value ? formatNumber(value) : "" }),
      s("text", { x: x + barW / 2, y: height - 8, "text-anchor": "middle", "font-size": 11, fill: "var(--muted)", text: String(label).slice(0, 10) }));
  });
  const summary = data.map(([label, value]) => `${label} ${formatNumber(value)}`).join(", ");
  const empty = data.every(([, value]) => !value);
  return h("figure", { class: "chart card" },
    h("figcaption", { class: "chart-caption", text: title }),
    empty
      ? h("p", { class: "muted small chart-empty", text: "Nothing to chart yet: add a few and they show up here." })
      : s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${title}: ${summary}` }, bars));
}
