// Chips that narrow a list to one value of a choice or yes/no field.
import { h } from "../dom.js";

export default function filterChips({ entity, component, value, onFilter }) {
  const field = entity.fields.find((f) => f.name === component.field);
  if (!field) return null;
  const options = field.type === "choice" ? field.choices.map((c) => [c, c])
    : field.type === "boolean" ? [["true", field.label], ["false", `Not ${field.label.toLowerCase()}`]] : null;
  if (!options) return null;
  let current = value ?? null;
  const chips = [[null, "All"], ...options].map(([key, label]) => {
    const chip = h("button", { type: "button", class: "chip", "aria-pressed": String(key === current), text: label });
    chip.addEventListener("click", () => {
      current = key;
      for (const other of chips) other.setAttribute("aria-pressed", String(other === chip));
      onFilter(key);
    });
    return chip;
  });
  return h("div", { class: "chips", role: "group", "aria-label": `Filter by ${field.label.toLowerCase()}` }, chips);
}
