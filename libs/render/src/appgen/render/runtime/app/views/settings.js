// Settings: the theme (kept per app) and clearing this device's data.
import { mount } from "../components.js";
import { h } from "../dom.js";
import { spec } from "../spec.js";
import { store } from "../store.js";
import { MODES, setThemeMode, themeMode } from "../theme.js";
import { confirmDialog, section, setAppBar, toast } from "../ui.js";
import { listed, mountExtras, propsFor } from "./shared.js";

const LABELS = { light: "Light", dark: "Dark", system: "System" };

export async function settingsView(ctx, screen) {
  setAppBar({ title: screen.title });
  const current = themeMode();
  const theme = h("fieldset", { class: "segmented" },
    h("legend", { class: "visually-hidden", text: "Theme" }),
    MODES.map((mode) => h("label", { class: "segment" },
      h("input", { type: "radio", name: "theme", value: mode, checked: mode === current, onchange: () => setThemeMode(mode) }),
      h("span", { text: LABELS[mode] }))));

  const counts = h("ul", { class: "settings-list card" }, spec.entities.map((entity) => h("li", {},
    h("span", { class: "avatar", "aria-hidden": "true", text: entity.icon }),
    h("span", { class: "grow", text: entity.plural }),
    h("span", { class: "muted", text: String(store.all(entity.name).length) }))));

  const clear = h("button", {
    type: "button", class: "btn btn-danger-soft btn-block", text: "Clear all data",
    onclick: async () => {
      const yes = await confirmDialog({
        title: "Clear all data?", message: `Every record in ${spec.name} on this device will be deleted.`, confirmLabel: "Clear",
      });
      if (!yes) return;
      store.clearAll();
      toast("All data cleared");
      ctx.navigate(location.hash);
    },
  });

  const richer = listed(screen, "settings_list")
    ? await mount("settings_list", propsFor(ctx, screen, listed(screen, "settings_list")))
    : null;
  const extras = await mountExtras(ctx, screen, ["header", "settings_list", "confirm_dialog"]);
  const about = spec.screens.find((sc) => sc.kind === "about");
  return h("div", { class: "screen screen-settings" },
    section("Appearance", theme),
    extras,
    section("Your data", counts, richer, clear),
    about ? section(null, h("a", { class: "btn btn-ghost btn-block", href: `#/${about.route}`, text: `About ${spec.name}` })) : null);
}
