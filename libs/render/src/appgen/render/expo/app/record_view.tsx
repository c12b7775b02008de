// A record of an entity that has no detail screen of its own (`?entity=&id=`).
import { useLocalSearchParams } from "expo-router";

import { entityOf } from "../src/format";
import { DetailView } from "../src/views/DetailView";

export default function RecordView() {
  const { entity: name, id } = useLocalSearchParams<{ entity?: string; id?: string }>();
  const entity = entityOf(name);
  if (!entity || !id) return null;
  const screen = { route: "record_view", title: entity.label, kind: "detail" as const, entity: entity.name, icon: entity.icon, components: [], in_tab_bar: false };
  return <DetailView screen={screen} id={id} />;
}
