// An inviting empty list: the entity's illustration, a line of encouragement, one clear action.
import { h } from "../dom.js";
import { entityArt } from "../images.js";
import { newHref } from "../links.js";

export default function emptyState({ entity, query, route }) {
  const href = newHref(entity.name, route);
  if (query) {
    return h("div", { class: "empty" },
      h("div", { class: "empty-glyph", "aria-hidden": "true", text: "🔍" }),
      h("p", { class: "empty-title", text: `No ${entity.plural.toLowerCase()} match “${query}”` }),
      h("p", { class: "muted", text: "Try fewer or different words." }));
  }
  return h("div", { class: "empty" },
    entityArt(entity, "empty-glyph"),
    h("p", { class: "empty-title", text: `No ${entity.plural.toLowerCase()} yet` }),
    h("p", { class: "muted", text: `Your ${entity.plural.toLowerCase()} will show up here.` }),
    href ? h("a", { class: "btn btn-primary", href, text: `Add your first ${entity.label.toLowerCase()}` }) : null);
}
