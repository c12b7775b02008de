// The root: data loaded from the device first, then the theme, then a stack with the tab bar
// at its bottom and every other screen (lists, records, forms) pushed over it.
import { DarkTheme, DefaultTheme, ThemeProvider } from "@react-navigation/native";
import { Stack } from "expo-router";
import { StatusBar } from "expo-status-bar";
import { useEffect, useState } from "react";
import { SafeAreaProvider } from "react-native-safe-area-context";

import { spec } from "../src/spec";
import { loadStore } from "../src/store";
import { ThemeRoot, useTheme } from "../src/theme";

function Navigation() {
  const { palette } = useTheme();
  const base = palette.dark ? DarkTheme : DefaultTheme;
  const theme = {
    ...base,
    colors: { ...base.colors, primary: palette.primary, background: palette.background, card: palette.surface, text: palette.text, border: palette.border },
  };
  return (
    <ThemeProvider value={theme}>
      <Stack screenOptions={{ headerTintColor: palette.primary, headerTitleStyle: { color: palette.text } }}>
        <Stack.Screen name="(tabs)" options={{ headerShown: false, title: spec.name }} />
        {spec.screens.some((s) => s.route === "index") ? null : <Stack.Screen name="index" options={{ headerShown: false }} />}
        <Stack.Screen name="record_view" options={{ title: "" }} />
        <Stack.Screen name="record_edit" options={{ title: "" }} />
        {spec.screens
          .filter((s) => !s.in_tab_bar)
          .map((s) => (
            <Stack.Screen key={s.route} name={s.route} options={{ title: s.title }} />
          ))}
      </Stack>
      <StatusBar style={palette.dark ? "light" : "dark"} />
    </ThemeProvider>
  );
}

export default function RootLayout() {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    void loadStore().finally(() => setReady(true));
  }, []);
  if (!ready) return null;
  return (
    <SafeAreaProvider>
      <ThemeRoot>
        <Navigation />
      </ThemeRoot>
    </SafeAreaProvider>
  );
}
