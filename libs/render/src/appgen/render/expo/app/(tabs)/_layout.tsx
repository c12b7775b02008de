// The tab bar: one tab per screen the spec puts in it, in the spec's order.
import { Tabs } from "expo-router";
import { Text } from "react-native";

import { spec } from "../../src/spec";
import { useTheme } from "../../src/theme";

export default function TabsLayout() {
  const { palette } = useTheme();
  return (
    <Tabs
      screenOptions={{
        tabBarActiveTintColor: palette.primary,
        tabBarInactiveTintColor: palette.muted,
        tabBarStyle: { backgroundColor: palette.surface, borderTopColor: palette.border },
        headerStyle: { backgroundColor: palette.surface },
        headerTitleStyle: { color: palette.text },
      }}
    >
      {spec.screens
        .filter((s) => s.in_tab_bar)
        .map((s) => (
          <Tabs.Screen
            key={s.route}
            name={s.route}
            options={{
              title: s.title,
              tabBarIcon: ({ color }) => <Text style={{ fontSize: 18, color }}>{s.icon}</Text>,
            }}
          />
        ))}
    </Tabs>
  );
}
