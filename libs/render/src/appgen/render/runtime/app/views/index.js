// A screen module hands its definition here; the kind and the route's params pick the view.
import { aboutView } from "./about.js";
import { dashboardView } from "./dashboard.js";
import { detailView } from "./detail.js";
import { formView } from "./form.js";
import { listView, pickerView } from "./list.js";
import { settingsView } from "./settings.js";

export function mountScreen(ctx, screen) {
  const { id, mode } = ctx.params;
  if (screen.entity && mode === "new") return formView(ctx, screen, null);
  if (screen.entity && id && mode === "edit") return formView(ctx, screen, id);
  if (screen.entity && id) return detailView(ctx, screen, id);
  switch (screen.kind) {
    case "list":
      return listView(ctx, screen);
    case "detail":
      return pickerView(ctx, screen);
    case "form":
      return formView(ctx, screen, null);
    case "settings":
      return settingsView(ctx, screen);
    case "about":
      return aboutView(ctx, screen);
    default:
      return screen.entity && screen.kind !== "dashboard" ? listView(ctx, screen) : dashboardView(ctx, screen);
  }
}
