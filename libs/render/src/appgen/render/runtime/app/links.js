// Where things live: which screen shows an entity's records, and the hash of each record page.
import { spec } from "./spec.js";

export function screenFor(kind, entityName) {
  return spec.screens.find((sc) => sc.kind === kind && sc.entity === entityName) ?? null;
}

/** The route that owns an entity's records: its list, else its detail, else its form screen. */
export function routeFor(entityName) {
  const owner = screenFor("list", entityName) ?? screenFor("detail", entityName) ?? screenFor("form", entityName);
  return owner ? owner.route : null;
}

export function recordHref(entityName, id, route = routeFor(entityName)) {
  return route ? `#/${route}/${encodeURIComponent(id)}` : null;
}

export function editHref(entityName, id, route = routeFor(entityName)) {
  return route ? `#/${route}/${encodeURIComponent(id)}/edit` : null;
}

export function newHref(entityName, route = routeFor(entityName)) {
  return route ? `#/${route}/new` : null;
}
