// The list of records, grouped under date headings when the entity has a date field.
import { h } from "../dom.js";
import { formatDate } from "../format.js";
import { record_list as plainList } from "../fallbacks.js";

export default function recordList(props) {
  const { entity, records } = props;
  const dateField = entity.fields.find((f) => f.type === "date" || f.type === "datetime");
  if (!dateField || records.length < 4) return plainList(props);
  const groups = new Map();
  for (const record of records) {
    const key = record[dateField.name] ? formatDate(String(record[dateField.name]).slice(0, 10)) : `No ${dateField.label.toLowerCase()}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(record);
  }
  return h("div", { class: "grouped" }, [...groups].map(([label, items]) =>
    h("section", { class: "section" }, h("h3", { class: "section-title", text: label }), plainList({ ...props, records: items }))));
}
