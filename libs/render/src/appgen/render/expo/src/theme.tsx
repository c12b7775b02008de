// Light and dark palettes from the spec's theme. A person's pick (kept on the device) wins;
// until then the theme's appearance decides: "auto" follows the system.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { useColorScheme } from "react-native";

import { spec } from "./spec";
import { store, useStoreVersion } from "./store";

export type Mode = "system" | "light" | "dark";
export const MODES: Mode[] = ["system", "light", "dark"];

export interface Palette {
  dark: boolean;
  primary: string;
  accent: string;
  onPrimary: string;
  background: string;
  surface: string;
  text: string;
  muted: string;
  border: string;
  tint: string;
  danger: string;
  radius: number;
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** White or near-black, whichever reads better on `background` (WCAG contrast). */
export function onColour(background: string): string {
  const lum = luminance(background);
  return 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 ? "#ffffff" : "#111114";
}

export function palette(dark: boolean): Palette {
  const t = spec.theme;
  const text = dark ? t.dark_text : t.text;
  return {
    dark,
    primary: t.primary,
    accent: t.accent,
    onPrimary: onColour(t.primary),
    background: dark ? t.dark_background : t.background,
    surface: dark ? t.dark_surface : t.surface,
    text,
    muted: `${text}99`,
    border: `${text}22`,
    tint: `${t.primary}22`,
    danger: dark ? "#ff6b6b" : "#c62828",
    radius: t.radius,
  };
}

const DEFAULT_MODE: Mode = spec.theme.appearance === "auto" ? "system" : spec.theme.appearance;

interface ThemeValue {
  palette: Palette;
  mode: Mode;
  setMode: (mode: Mode) => void;
}

const ThemeContext = createContext<ThemeValue>({
  palette: palette(false),
  mode: DEFAULT_MODE,
  setMode: () => undefined,
});

export function ThemeRoot({ children }: { children: ReactNode }) {
  useStoreVersion();
  const system = useColorScheme();
  const picked = store.setting<string>("theme", DEFAULT_MODE);
  const mode: Mode = MODES.includes(picked as Mode) ? (picked as Mode) : DEFAULT_MODE;
  const dark = mode === "dark" || (mode === "system" && system === "dark");
  const value = useMemo<ThemeValue>(
    () => ({ palette: palette(dark), mode, setMode: (next) => void store.setSetting("theme", next) }),
    [dark, mode],
  );
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeValue {
  return useContext(ThemeContext);
}
