// Light, dark or follow the system; the choice is kept per app. Until a person chooses, the
// spec's appearance decides ("auto" follows the system).
import { spec } from "./spec.js";
import { store } from "./store.js";

export const MODES = ["light", "dark", "system"];

function defaultMode() {
  const appearance = spec.theme.appearance;
  return appearance === "light" || appearance === "dark" ? appearance : "system";
}

export function themeMode() {
  const mode = store.setting("theme", defaultMode());
  return MODES.includes(mode) ? mode : defaultMode();
}

export function applyTheme(mode = themeMode()) {
  const root = document.documentElement;
  // Marked even for "system": an app whose appearance is dark is dark only while unmarked.
  root.dataset.theme = mode;
  const dark =
    mode === "dark" || (mode === "system" && matchMedia("(prefers-color-scheme: dark)").matches);
  root.style.colorScheme = dark ? "dark" : "light";
  const meta = document.querySelector('meta[name="theme-color"]');
  if (meta) {
    meta.setAttribute("content", getComputedStyle(root).getPropertyValue("--bg").trim() || "#ffffff");
  }
}

export function setThemeMode(mode) {
  store.setSetting("theme", mode);
  applyTheme(mode);
}
