// The form of an entity that has no form screen of its own (`?entity=` and, to edit, `&id=`).
import { useLocalSearchParams } from "expo-router";

import { entityOf } from "../src/format";
import { FormView } from "../src/views/FormView";

export default function RecordEdit() {
  const { entity: name, id } = useLocalSearchParams<{ entity?: string; id?: string }>();
  const entity = entityOf(name);
  if (!entity) return null;
  const screen = { route: "record_edit", title: entity.label, kind: "form" as const, entity: entity.name, icon: entity.icon, components: [], in_tab_bar: false };
  return <FormView screen={screen} id={id ?? null} />;
}
