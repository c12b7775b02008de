// This month as a grid, with a dot on each day that has records (by the entity's date field).
import { Text, View } from "react-native";

import { entityOf } from "../src/format";
import { store } from "../src/store";
import { useTheme } from "../src/theme";
import type { ComponentProps } from "../src/types";
import { Card, Txt } from "../src/ui";

function dayKey(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}

export default function Calendar({ entity: fallback, component }: ComponentProps) {
  const { palette } = useTheme();
  const entity = entityOf(component.entity) ?? fallback;
  if (!entity) return null;
  const field = entity.fields.find((f) => f.name === component.field) ?? entity.fields.find((f) => f.type === "date" || f.type === "datetime");
  const counts = new Map<string, number>();
  for (const record of store.all(entity.name)) {
    const raw = (field && record[field.name]) || record.createdAt;
    if (!raw) continue;
    const key = /^\d{4}-\d{2}-\d{2}$/.test(String(raw)) ? String(raw) : dayKey(new Date(String(raw)));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const today = new Date();
  const lead = (new Date(today.getFullYear(), today.getMonth(), 1).getDay() + 6) % 7;
  const days = new Date(today.getFullYear(), today.getMonth() + 1, 0).getDate();
  const cells: (number | null)[] = [...Array<null>(lead).fill(null), ...Array.from({ length: days }, (_, i) => i + 1)];
  return (
    <Card>
      <Txt variant="heading">{today.toLocaleDateString(undefined, { month: "long", year: "numeric" })}</Txt>
      <View style={{ flexDirection: "row", flexWrap: "wrap" }}>
        {cells.map((day, i) => {
          const has = day !== null && (counts.get(dayKey(new Date(today.getFullYear(), today.getMonth(), day))) ?? 0) > 0;
          const isToday = day === today.getDate();
          return (
            <View key={i} style={{ width: `${100 / 7}%`, alignItems: "center", paddingVertical: 6 }}>
              <Text style={{ color: isToday ? palette.primary : palette.text, fontWeight: isToday ? "800" : "400" }}>{day ?? ""}</Text>
              <View style={{ width: 5, height: 5, borderRadius: 3, backgroundColor: has ? palette.accent : "transparent" }} />
            </View>
          );
        })}
      </View>
    </Card>
  );
}
