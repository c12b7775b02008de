// One record: a hero, every field, edit, and delete after a confirmation.
import { loadComponent, mount } from "../components.js";
import { h } from "../dom.js";
import { entityOf, titleOf, valueNode } from "../format.js";
import { entityArt } from "../images.js";
import { editHref, routeFor } from "../links.js";
import { store } from "../store.js";
import { confirmDialog, setAppBar, toast } from "../ui.js";
import { subtitle } from "../fallbacks.js";
import { listed, mountExtras, propsFor } from "./shared.js";

export function notFound(entity, backHref) {
  return h("div", { class: "screen" }, h("div", { class: "empty" },
    h("div", { class: "empty-glyph", "aria-hidden": "true", text: entity.icon }),
    h("p", { class: "empty-title", text: `This ${entity.label.toLowerCase()} no longer exists` }),
    h("a", { class: "btn btn-primary", href: backHref, text: `Back to ${entity.plural.toLowerCase()}` })));
}

export async function detailView(ctx, screen, id) {
  const entity = entityOf(screen.entity);
  const listRoute = routeFor(entity.name) ?? ctx.route;
  const backHref = `#/${ctx.route}`;
  const record = store.get(entity.name, id);
  if (!record) {
    setAppBar({ title: entity.label, back: backHref });
    return notFound(entity, backHref);
  }
  const title = titleOf(entity, record);
  const edit = editHref(entity.name, record.id, ctx.route);
  setAppBar({
    title: entity.label, back: backHref,
    action: h("a", { class: "text-btn", href: edit, "aria-label": `Edit ${title}`, text: "Edit" }),
  });

  const photo = entity.fields.find((f) => f.type === "image" && typeof record[f.name] === "string" && record[f.name].startsWith("data:image/"));
  const hero = photo ? h("img", { class: "hero-photo", src: record[photo.name], alt: title }) : entityArt(entity, "hero-art");
  const fields = entity.fields.filter((f) => f.name !== entity.title_field && f !== photo);

  const remove = async () => {
    const ask = (await loadComponent("confirm_dialog")) ?? confirmDialog;
    const yes = await ask({
      title: `Delete “${title}”?`, message: `This ${entity.label.toLowerCase()} will be gone for good.`, glyph: entity.icon, entity, record,
    });
    if (!yes) return;
    store.remove(entity.name, record.id);
    toast(`${entity.label} deleted`);
    ctx.navigate(`#/${listRoute}`);
  };

  const related = listed(screen, "record_detail")
    ? await mount("record_detail", propsFor(ctx, screen, listed(screen, "record_detail"), { entity, record }))
    : null;
  const extras = await mountExtras(ctx, screen, ["header", "record_detail", "record_form", "confirm_dialog"]);
  return h("article", { class: "screen screen-detail" },
    h("div", { class: "hero" }, hero),
    h("h2", { class: "detail-title", text: title }),
    h("p", { class: "detail-sub muted", text: subtitle(entity, record) }),
    h("dl", { class: "fields card" }, fields.map((f) => h("div", { class: "field-row" },
      h("dt", { text: f.label }), h("dd", {}, valueNode(f, record[f.name]))))),
    related, extras,
    h("div", { class: "detail-actions" },
      h("a", { class: "btn btn-primary", href: edit, text: `Edit ${entity.label.toLowerCase()}` }),
      h("button", { type: "button", class: "btn btn-danger-soft", onclick: remove, text: "Delete" })));
}
