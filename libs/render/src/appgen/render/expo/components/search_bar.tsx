// Search the list's records as you type.
import { TextInput } from "react-native";

import { useTheme } from "../src/theme";
import type { ComponentProps } from "../src/types";

export default function SearchBar({ entity, query, onQuery }: ComponentProps) {
  const { palette } = useTheme();
  if (!entity || !onQuery) return null;
  return (
    <TextInput
      accessibilityLabel={`Search ${entity.plural}`}
      placeholder={`Search ${entity.plural.toLowerCase()}`}
      placeholderTextColor={palette.muted}
      value={query ?? ""}
      onChangeText={onQuery}
      autoCorrect={false}
      style={{ color: palette.text, backgroundColor: palette.surface, borderColor: palette.border, borderWidth: 1, borderRadius: 999, paddingHorizontal: 16, paddingVertical: 10, fontSize: 16 }}
    />
  );
}
