// Bars: records per value of a field (a choice, yes/no, or rating), else per month added.
import { View } from "react-native";

import { valueText } from "../src/format";
import { store } from "../src/store";
import { useTheme } from "../src/theme";
import type { ComponentProps } from "../src/types";
import { Card, Row, Txt } from "../src/ui";

export default function Chart({ entity, component, title }: ComponentProps) {
  const { palette } = useTheme();
  if (!entity) return null;
  const field =
    entity.fields.find((f) => f.name === component.field) ??
    entity.fields.find((f) => f.type === "choice" || f.type === "boolean" || f.type === "rating");
  const counts = new Map<string, number>();
  for (const record of store.all(entity.name)) {
    const key = field ? valueText(field, record[field.name]) || "—" : String(record.createdAt ?? "").slice(0, 7) || "—";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const bars = [...counts.entries()].slice(0, 8);
  const most = Math.max(1, ...bars.map(([, n]) => n));
  return (
    <Card>
      <Txt variant="heading">{title || `${entity.plural} by ${field ? field.label.toLowerCase() : "month"}`}</Txt>
      {bars.length ? (
        bars.map(([label, n]) => (
          <Row key={label}>
            <Txt variant="small" style={{ width: 96 }}>{label}</Txt>
            <View style={{ flex: 1, height: 12, backgroundColor: palette.tint, borderRadius: 6 }}>
              <View style={{ width: `${(n / most) * 100}%`, height: 12, backgroundColor: palette.primary, borderRadius: 6 }} />
            </View>
            <Txt variant="small">{String(n)}</Txt>
          </Row>
        ))
      ) : (
        <Txt variant="muted">{`No ${entity.plural.toLowerCase()} to chart yet.`}</Txt>
      )}
    </Card>
  );
}
