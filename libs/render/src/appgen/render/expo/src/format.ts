// How a field's value reads on screen: always text, never markup.
import { spec } from "./spec";
import { store } from "./store";
import type { EntityDef, FieldDef, StoredRecord, Value } from "./types";

export function entityOf(name: string | null | undefined): EntityDef | null {
  return spec.entities.find((e) => e.name === name) ?? null;
}

export function isEmpty(value: Value | undefined): boolean {
  return value === undefined || value === null || value === "";
}

export function titleOf(entity: EntityDef, record: StoredRecord | null): string {
  const value = record?.[entity.title_field];
  return isEmpty(value) ? `Untitled ${entity.label}` : String(value);
}

export function formatDate(value: string, withTime = false): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00`) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return withTime ? date.toLocaleString() : date.toLocaleDateString();
}

export function stars(value: Value | undefined): string {
  const n = Math.max(0, Math.min(5, Math.round(Number(value) || 0)));
  return "★".repeat(n) + "☆".repeat(5 - n);
}

export function valueText(field: FieldDef, value: Value | undefined): string {
  if (value === undefined || value === null || value === "") return "";
  switch (field.type) {
    case "money":
      return `$${(Number(value) || 0).toFixed(2)}`;
    case "number":
      return String(Math.round((Number(value) || 0) * 100) / 100);
    case "date":
      return formatDate(String(value));
    case "datetime":
      return formatDate(String(value), true);
    case "boolean":
      return value ? "Yes" : "No";
    case "rating":
      return stars(value);
    case "image":
      return "";
    case "reference": {
      const target = entityOf(field.reference);
      const record = target ? store.get(target.name, String(value)) : null;
      return target && record ? titleOf(target, record) : "";
    }
    default:
      return String(value);
  }
}

/** A short line under a record's title: the first few other fields that have values. */
export function subtitle(entity: EntityDef, record: StoredRecord): string {
  return entity.fields
    .filter((f) => f.name !== entity.title_field && f.type !== "image" && f.type !== "long_text")
    .filter((f) => !isEmpty(record[f.name]))
    .slice(0, 2)
    .map((f) => (f.type === "boolean" ? (record[f.name] ? f.label : "") : valueText(f, record[f.name])))
    .filter(Boolean)
    .join(" · ");
}

export function photoOf(entity: EntityDef, record: StoredRecord): string | null {
  for (const field of entity.fields) {
    const value = record[field.name];
    if (field.type === "image" && typeof value === "string" && /^(https?:|data:image\/)/.test(value)) return value;
  }
  return null;
}
