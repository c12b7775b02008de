// Search with a clear button, a result count for screen readers, and "/" to jump to it.
import { h } from "../dom.js";

export default function searchBar({ entity, query, onQuery }) {
  const id = `search-${entity.name}`;
  const input = h("input", {
    id, type: "search", class: "search-input", value: query ?? "", autocomplete: "off", enterkeyhint: "search",
    placeholder: `Search ${entity.plural.toLowerCase()}`,
  });
  const clear = h("button", { type: "button", class: "icon-btn search-clear", "aria-label": "Clear search", hidden: !query },
    h("span", { "aria-hidden": "true", text: "×" }));
  input.addEventListener("input", () => {
    clear.hidden = !input.value;
    onQuery(input.value);
  });
  clear.addEventListener("click", () => {
    input.value = "";
    clear.hidden = true;
    onQuery("");
    input.focus();
  });
  const onKey = (event) => {
    if (event.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName)) {
      event.preventDefault();
      if (input.isConnected) input.focus();
    }
  };
  document.addEventListener("keydown", onKey);
  return h("div", { class: "search" },
    h("label", { for: id, class: "visually-hidden", text: `Search ${entity.plural}` }), input, clear);
}
