// Chips that narrow a list to one value of a field (a choice, or yes/no).
import { ScrollView } from "react-native";

import type { ComponentProps } from "../src/types";
import { Chip } from "../src/ui";

export default function FilterChips({ entity, component, filter, onFilter }: ComponentProps) {
  const field = entity?.fields.find((f) => f.name === component.field);
  if (!field || !onFilter) return null;
  const options: [string, string][] =
    field.type === "boolean" ? [["true", field.label], ["false", `Not ${field.label.toLowerCase()}`]] : field.choices.map((c) => [c, c]);
  return (
    <ScrollView horizontal showsHorizontalScrollIndicator={false}>
      <Chip label="All" selected={filter === null} onPress={() => onFilter(null)} />
      {options.map(([value, label]) => (
        <Chip key={value} label={label} selected={filter === value} onPress={() => onFilter(filter === value ? null : value)} />
      ))}
    </ScrollView>
  );
}
