// Pictures arrive in the background from the images service. Until one exists, a themed box
// with the entity's emoji stands in; the <img> joins it only once it has really loaded.
import { h } from "./dom.js";

export function artwork(path, glyph, className = "art") {
  const box = h("div", { class: `${className} art-placeholder`, "aria-hidden": "true" },
    h("span", { class: "art-glyph", text: glyph || "•" }));
  const img = new Image();
  img.alt = "";
  img.decoding = "async";
  img.addEventListener("load", () => {
    box.classList.remove("art-placeholder");
    box.replaceChildren(img);
  });
  img.addEventListener("error", () => img.remove());
  img.src = path;
  return box;
}

export function entityArt(entity, className = "art") {
  // Drawn under the entity's first name; a rename keeps that name as its storage key.
  const drawnAs = entity.stored_as ?? entity.name;
  return artwork(`assets/illustrations/${drawnAs}.svg`, entity.icon, className);
}

export function appIcon(spec, className = "app-icon") {
  return artwork("assets/icon.svg", spec.theme.icon, className);
}
