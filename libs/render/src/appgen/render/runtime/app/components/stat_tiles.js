// Tiles with the numbers that matter: counts, totals of money and number fields, share done.
import { h } from "../dom.js";
import { formatMoney, formatNumber } from "../format.js";
import { store } from "../store.js";

function tile(icon, value, label) {
  return h("div", { class: "tile" },
    h("span", { class: "tile-icon", "aria-hidden": "true", text: icon }),
    h("span", { class: "tile-value", text: value }),
    h("span", { class: "tile-label", text: label }));
}

export default function statTiles({ spec, component }) {
  const focus = component?.entity ? spec.entities.filter((e) => e.name === component.entity) : spec.entities;
  const tiles = [];
  for (const entity of focus.length ? focus : spec.entities) {
    const records = store.all(entity.name);
    tiles.push(tile(entity.icon, String(records.length), entity.plural));
    for (const field of entity.fields) {
      if (component?.field && field.name !== component.field) continue;
      if (field.type === "money" || field.type === "number") {
        const total = records.reduce((sum, r) => sum + (Number(r[field.name]) || 0), 0);
        tiles.push(tile("Σ", field.type === "money" ? formatMoney(total) : formatNumber(total), `Total ${field.label.toLowerCase()}`));
      } else if (field.type === "boolean" && records.length) {
        const share = Math.round((100 * records.filter((r) => r[field.name]).length) / records.length);
        tiles.push(tile("✓", `${share}%`, field.label));
      }
    }
  }
  return h("div", { class: "tiles" }, tiles.slice(0, 6));
}
