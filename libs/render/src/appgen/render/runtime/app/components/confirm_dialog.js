// Confirm a delete, saying what else points at the record (those links will be left empty).
import { store } from "../store.js";
import { spec } from "../spec.js";
import { confirmDialog } from "../ui.js";

export default function ask(options) {
  const { entity, record } = options;
  let message = options.message;
  if (entity && record) {
    const dangling = [];
    for (const other of spec.entities) {
      const fields = other.fields.filter((f) => f.type === "reference" && f.reference === entity.name);
      const count = store.all(other.name).filter((r) => fields.some((f) => r[f.name] === record.id)).length;
      if (count) dangling.push(`${count} ${count === 1 ? other.label.toLowerCase() : other.plural.toLowerCase()}`);
    }
    if (dangling.length) message = `${message} ${dangling.join(" and ")} will lose their link to it.`;
  }
  return confirmDialog({ ...options, message });
}
