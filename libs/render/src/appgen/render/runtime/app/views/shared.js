// What every view shares: the props components receive, and mounting the components a view
// does not place itself, in the order the screen lists them.
import { mount } from "../components.js";
import { entityOf } from "../format.js";
import { spec } from "../spec.js";
import { store } from "../store.js";

export function componentsOf(screen) {
  return screen.components ?? [];
}

export function listed(screen, kind) {
  return componentsOf(screen).find((c) => c.kind === kind) ?? null;
}

/** The props a component gets: the same shape for every kind, so any can go on any screen. */
export function propsFor(ctx, screen, component, extra = {}) {
  const entity = entityOf(component?.entity ?? screen.entity ?? spec.entities[0]?.name) ?? null;
  return {
    spec, screen, component: component ?? { kind: null }, entity,
    records: entity ? store.all(entity.name) : [],
    route: ctx.route, params: ctx.params, navigate: ctx.navigate, title: component?.title ?? screen.title,
    ...extra,
  };
}

// These shape a view's own parts (its form, its record, its delete) rather than drawing a
// block of their own, so only the view that owns those parts uses them.
const BEHAVIOURS = ["confirm_dialog", "record_form", "record_detail"];

export async function mountExtras(ctx, screen, placed) {
  const nodes = [];
  for (const component of componentsOf(screen)) {
    if (placed.includes(component.kind) || BEHAVIOURS.includes(component.kind)) continue;
    const node = await mount(component.kind, propsFor(ctx, screen, component));
    if (node) nodes.push(node);
  }
  return nodes;
}

/** Re-render a part of a view whenever records change; stops when the view is left. */
export function live(ctx, renderPart) {
  ctx.onLeave(store.subscribe(() => renderPart()));
}
