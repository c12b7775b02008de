// Records as picture cards in a responsive grid.
import { h } from "../dom.js";
import { titleOf } from "../format.js";
import { entityArt } from "../images.js";
import { recordHref } from "../links.js";
import { subtitle } from "../fallbacks.js";

export default function cardGrid({ entity, records, route }) {
  const photoField = entity.fields.find((f) => f.type === "image");
  return h("ul", { class: "card-grid", "aria-label": entity.plural }, records.map((record) => {
    const photo = photoField && typeof record[photoField.name] === "string" && record[photoField.name].startsWith("data:image/")
      ? h("img", { class: "card-photo", src: record[photoField.name], alt: "" })
      : entityArt(entity, "card-photo");
    return h("li", { class: "record-card card", dataset: { id: record.id } },
      h("a", { class: "card-link", href: recordHref(entity.name, record.id, route) },
        photo,
        h("span", { class: "card-text" },
          h("span", { class: "record-title", text: titleOf(entity, record) }),
          h("span", { class: "record-sub", text: subtitle(entity, record) }))));
  }));
}
