// Light, dark or follow the system; the choice is kept per app.
import { store } from "./store.js";

export const MODES = ["light", "dark", "system"];

export function themeMode() {
  const mode = store.setting("theme", "system");
  return MODES.includes(mode) ? mode : "system";
}

export function applyTheme(mode = themeMode()) {
  const root = document.documentElement;
  if (mode === "system") delete root.dataset.theme;
  else root.dataset.theme = mode;
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
