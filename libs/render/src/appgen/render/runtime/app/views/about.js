// About: what the app is, and the words it was made from, shown as text.
import { mount } from "../components.js";
import { h } from "../dom.js";
import { appIcon } from "../images.js";
import { spec } from "../spec.js";
import { section, setAppBar } from "../ui.js";
import { listed, mountExtras, propsFor } from "./shared.js";

export async function aboutView(ctx, screen) {
  setAppBar({ title: screen.title });
  const card = listed(screen, "about_card")
    ? await mount("about_card", propsFor(ctx, screen, listed(screen, "about_card")))
    : null;
  const extras = await mountExtras(ctx, screen, ["about_card", "header"]);
  return h("div", { class: "screen screen-about" },
    h("div", { class: "about-head" },
      appIcon(spec, "about-icon"),
      h("h2", { class: "about-name", text: spec.name }),
      h("p", { class: "muted about-desc", text: spec.description })),
    card, extras,
    spec.prompt ? section("Made from this prompt", h("blockquote", { class: "prompt card", text: spec.prompt })) : null,
    spec.features.length
      ? section("Features", h("ul", { class: "chips" }, spec.features.map((f) => h("li", { class: "chip", text: f.replace(/_/g, " ") }))))
      : null,
    h("p", { class: "muted small center", text: "Your data stays on this device." }));
}
