// What the app holds: its kinds of records and how many of each are on this device.
import { View } from "react-native";

import { spec } from "../src/spec";
import { store } from "../src/store";
import type { ComponentProps } from "../src/types";
import { Card, Row, Txt } from "../src/ui";

export default function AboutCard(_props: ComponentProps) {
  return (
    <Card>
      {spec.entities.map((entity) => (
        <Row key={entity.name}>
          <Txt>{entity.icon}</Txt>
          <View style={{ flex: 1 }}>
            <Txt>{entity.plural}</Txt>
            <Txt variant="small">{entity.fields.map((f) => f.label).slice(0, 4).join(", ")}</Txt>
          </View>
          <Txt variant="muted">{String(store.all(entity.name).length)}</Txt>
        </Row>
      ))}
    </Card>
  );
}
