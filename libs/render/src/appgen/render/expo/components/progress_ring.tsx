// A ring showing how many records are done (the entity's yes/no field).
import { Text, View } from "react-native";

import { entityOf } from "../src/format";
import { store } from "../src/store";
import { useTheme } from "../src/theme";
import type { ComponentProps } from "../src/types";
import { Card, Row, Txt } from "../src/ui";

export default function ProgressRing({ entity: fallback, component }: ComponentProps) {
  const { palette } = useTheme();
  const entity = entityOf(component.entity) ?? fallback;
  const field = entity?.fields.find((f) => f.name === component.field && f.type === "boolean") ?? entity?.fields.find((f) => f.type === "boolean");
  if (!entity || !field) return null;
  const records = store.all(entity.name);
  const done = records.filter((r) => r[field.name]).length;
  const share = records.length ? Math.round((done / records.length) * 100) : 0;
  return (
    <Card>
      <Row>
        <View
          accessibilityLabel={`${share}% ${field.label.toLowerCase()}`}
          style={{ width: 72, height: 72, borderRadius: 36, borderWidth: 8, borderColor: share ? palette.primary : palette.tint, alignItems: "center", justifyContent: "center" }}
        >
          <Text style={{ color: palette.text, fontWeight: "800" }}>{`${share}%`}</Text>
        </View>
        <View>
          <Txt>{`${done} of ${records.length}`}</Txt>
          <Txt variant="small">{`${entity.plural} ${field.label.toLowerCase()}`}</Txt>
        </View>
      </Row>
    </Card>
  );
}
