// Where things live: a record opens on its entity's detail screen and is edited on its form
// screen (`?id=`); an app without one uses the generic record_view and record_edit routes.
import { spec } from "./spec";
import type { ScreenDef, ScreenKind } from "./types";

export function screenFor(kind: ScreenKind, entityName: string): ScreenDef | null {
  return spec.screens.find((s) => s.kind === kind && s.entity === entityName) ?? null;
}

function query(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");
}

export function recordHref(entityName: string, id: string): string {
  const detail = screenFor("detail", entityName);
  return detail ? `/${detail.route}?${query({ id })}` : `/record_view?${query({ entity: entityName, id })}`;
}

export function editHref(entityName: string, id: string): string {
  const form = screenFor("form", entityName);
  return form ? `/${form.route}?${query({ id })}` : `/record_edit?${query({ entity: entityName, id })}`;
}

export function newHref(entityName: string): string {
  const form = screenFor("form", entityName);
  return form ? `/${form.route}` : `/record_edit?${query({ entity: entityName })}`;
}

export function listHref(entityName: string): string | null {
  const list = screenFor("list", entityName);
  return list ? `/${list.route}` : null;
}
