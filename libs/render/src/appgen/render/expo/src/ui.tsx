// The building blocks every view and component draws with, in the theme's colours.
import type { ReactNode } from "react";
import { Image, Pressable, ScrollView, StyleSheet, Text, View, type TextStyle, type ViewStyle } from "react-native";

import { useTheme } from "./theme";

export function Page({ children }: { children: ReactNode }) {
  const { palette } = useTheme();
  return (
    <ScrollView style={{ flex: 1, backgroundColor: palette.background }} contentContainerStyle={styles.page}>
      {children}
    </ScrollView>
  );
}

type TextVariant = "title" | "heading" | "body" | "muted" | "small";

export function Txt({ children, variant = "body", style }: { children: ReactNode; variant?: TextVariant; style?: TextStyle }) {
  const { palette } = useTheme();
  const colour = variant === "muted" || variant === "small" ? palette.muted : palette.text;
  return <Text style={[styles[variant], { color: colour }, style]}>{children}</Text>;
}

export function Card({ children, style }: { children: ReactNode; style?: ViewStyle }) {
  const { palette } = useTheme();
  return (
    <View style={[styles.card, { backgroundColor: palette.surface, borderColor: palette.border, borderRadius: palette.radius }, style]}>
      {children}
    </View>
  );
}

export function Section({ title, children }: { title?: string | null; children: ReactNode }) {
  return (
    <View style={styles.section}>
      {title ? <Txt variant="heading">{title}</Txt> : null}
      {children}
    </View>
  );
}

type ButtonKind = "primary" | "ghost" | "danger";

export function Button({ label, onPress, kind = "primary", testID }: { label: string; onPress: () => void; kind?: ButtonKind; testID?: string }) {
  const { palette } = useTheme();
  const background = kind === "primary" ? palette.primary : kind === "danger" ? `${palette.danger}22` : palette.tint;
  const colour = kind === "primary" ? palette.onPrimary : kind === "danger" ? palette.danger : palette.text;
  return (
    <Pressable
      accessibilityRole="button"
      accessibilityLabel={label}
      testID={testID}
      onPress={onPress}
      style={({ pressed }) => [styles.button, { backgroundColor: background, borderRadius: palette.radius, opacity: pressed ? 0.8 : 1 }]}
    >
      <Text style={[styles.buttonText, { color: colour }]}>{label}</Text>
    </Pressable>
  );
}

export function Chip({ label, selected, onPress }: { label: string; selected: boolean; onPress: () => void }) {
  const { palette } = useTheme();
  return (
    <Pressable
      accessibilityRole="button"
      accessibilityState={{ selected }}
      onPress={onPress}
      style={[styles.chip, { backgroundColor: selected ? palette.primary : palette.tint }]}
    >
      <Text style={{ color: selected ? palette.onPrimary : palette.text }}>{label}</Text>
    </Pressable>
  );
}

export function Avatar({ glyph, photo }: { glyph: string; photo?: string | null }) {
  const { palette } = useTheme();
  if (photo) return <Image source={{ uri: photo }} style={styles.avatar} accessibilityIgnoresInvertColors />;
  return (
    <View style={[styles.avatar, { backgroundColor: palette.tint }]}>
      <Text style={styles.glyph}>{glyph}</Text>
    </View>
  );
}

export function Row({ children, style }: { children: ReactNode; style?: ViewStyle }) {
  return <View style={[styles.row, style]}>{children}</View>;
}

export const styles = StyleSheet.create({
  page: { padding: 16, gap: 16, paddingBottom: 48 },
  title: { fontSize: 24, fontWeight: "800" },
  heading: { fontSize: 17, fontWeight: "700", marginBottom: 8 },
  body: { fontSize: 16 },
  muted: { fontSize: 15 },
  small: { fontSize: 13 },
  card: { padding: 14, borderWidth: StyleSheet.hairlineWidth, gap: 8 },
  section: { gap: 4 },
  button: { paddingVertical: 12, paddingHorizontal: 16, alignItems: "center" },
  buttonText: { fontSize: 16, fontWeight: "700" },
  chip: { paddingVertical: 6, paddingHorizontal: 12, borderRadius: 999, marginRight: 8, marginBottom: 8 },
  avatar: { width: 40, height: 40, borderRadius: 20, alignItems: "center", justifyContent: "center" },
  glyph: { fontSize: 20 },
  row: { flexDirection: "row", alignItems: "center", gap: 12 },
  wrap: { flexDirection: "row", flexWrap: "wrap" },
});
