// A screen file hands its definition here; the kind and the `?id=` parameter pick the view.
import { useLocalSearchParams } from "expo-router";

import type { ScreenDef } from "../types";
import { AboutView } from "./AboutView";
import { DashboardView } from "./DashboardView";
import { DetailView } from "./DetailView";
import { FormView } from "./FormView";
import { ListView } from "./ListView";
import { SettingsView } from "./SettingsView";

export function ScreenView({ screen }: { screen: ScreenDef }) {
  const params = useLocalSearchParams<{ id?: string }>();
  const id = typeof params.id === "string" && params.id ? params.id : null;
  switch (screen.kind) {
    case "list":
      return <ListView screen={screen} />;
    case "detail":
      return id ? <DetailView screen={screen} id={id} /> : <ListView screen={screen} />;
    case "form":
      return <FormView screen={screen} id={id} />;
    case "settings":
      return <SettingsView screen={screen} />;
    case "about":
      return <AboutView screen={screen} />;
    default:
      return screen.entity ? <ListView screen={screen} /> : <DashboardView screen={screen} />;
  }
}
