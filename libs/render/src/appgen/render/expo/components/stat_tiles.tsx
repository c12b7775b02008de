// How many records of each kind there are.
import { View } from "react-native";

import { spec } from "../src/spec";
import { store } from "../src/store";
import type { ComponentProps } from "../src/types";
import { Card, Txt } from "../src/ui";

export default function StatTiles(_props: ComponentProps) {
  return (
    <View style={{ flexDirection: "row", flexWrap: "wrap", gap: 12 }}>
      {spec.entities.map((entity) => (
        <Card key={entity.name} style={{ flexGrow: 1, minWidth: 96 }}>
          <Txt variant="title">{String(store.all(entity.name).length)}</Txt>
          <Txt variant="small">{entity.plural}</Txt>
        </Card>
      ))}
    </View>
  );
}
