// A summary line above a list: how many records, and how many are done when that applies.
// The app bar already names the screen, so this never repeats the title.
import { h } from "../dom.js";

export default function header({ entity, records, component, screen }) {
  if (!entity || screen.kind !== "list") {
    return component?.title ? h("h2", { class: "screen-heading", text: component.title }) : null;
  }
  const count = records.length;
  const parts = [`${count} ${count === 1 ? entity.label.toLowerCase() : entity.plural.toLowerCase()}`];
  const toggle = entity.fields.find((f) => f.type === "boolean");
  if (toggle && count) parts.push(`${records.filter((r) => r[toggle.name]).length} ${toggle.label.toLowerCase()}`);
  return h("p", { class: "screen-sub", text: parts.join(" · ") });
}
