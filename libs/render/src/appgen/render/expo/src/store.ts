// The app's data on this device, in AsyncStorage, under the same keys as the web preview's
// localStorage: `appgen:<slug>:records:<entity storage key>`, each record's values under its
// fields' storage keys. A renamed entity or field keeps the key its data was first stored under
// (`stored_as`), so an edit that renames it never loses what a person entered.
import AsyncStorage from "@react-native-async-storage/async-storage";
import { useSyncExternalStore } from "react";

import { spec } from "./spec";
import type { EntityDef, StoredRecord, Value } from "./types";

const PREFIX = `appgen:${spec.slug}:`;
const SETTINGS = ["theme", "profile"];

type Listener = () => void;
const listeners = new Set<Listener>();
const records = new Map<string, StoredRecord[]>();
const settings = new Map<string, unknown>();
let version = 0;

export function storageKey(item: { name: string; stored_as: string | null }): string {
  return item.stored_as ?? item.name;
}

function entityOf(name: string): EntityDef {
  const entity = spec.entities.find((e) => e.name === name);
  if (!entity) throw new Error(`No entity ${name}`);
  return entity;
}

function recordsKey(entity: EntityDef): string {
  return `${PREFIX}records:${storageKey(entity)}`;
}

function parse(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

// Two passes, so fields that swapped names cannot clobber each other.
function fromStored(entity: EntityDef, raw: Record<string, Value | undefined>): StoredRecord {
  const record: Record<string, Value | undefined> = { ...raw };
  const renamed = entity.fields.filter((f) => storageKey(f) !== f.name);
  for (const field of renamed) {
    delete record[storageKey(field)];
    delete record[field.name];
  }
  for (const field of renamed) {
    if (storageKey(field) in raw) record[field.name] = raw[storageKey(field)];
  }
  return { ...record, id: String(raw.id ?? "") };
}

function toStored(entity: EntityDef, record: StoredRecord): Record<string, Value | undefined> {
  const raw: Record<string, Value | undefined> = { ...record };
  const renamed = entity.fields.filter((f) => storageKey(f) !== f.name);
  for (const field of renamed) delete raw[field.name];
  for (const field of renamed) {
    if (field.name in record) raw[storageKey(field)] = record[field.name];
  }
  return raw;
}

function emit(): void {
  version += 1;
  for (const listener of listeners) listener();
}

export function newId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Reads every entity's records and the settings once, before the first screen draws. */
export async function loadStore(): Promise<void> {
  const keys = [...spec.entities.map(recordsKey), ...SETTINGS.map((n) => `${PREFIX}settings:${n}`)];
  let pairs: readonly (readonly [string, string | null])[] = [];
  try {
    pairs = await AsyncStorage.multiGet(keys);
  } catch {
    pairs = [];
  }
  const found = new Map(pairs.map(([key, value]) => [key, parse(value)]));
  for (const entity of spec.entities) {
    const raw = found.get(recordsKey(entity));
    const list = Array.isArray(raw) ? (raw as Record<string, Value | undefined>[]) : [];
    records.set(entity.name, list.filter((r) => r && typeof r === "object").map((r) => fromStored(entity, r)));
  }
  for (const name of SETTINGS) {
    const value = found.get(`${PREFIX}settings:${name}`);
    if (value !== null && value !== undefined) settings.set(name, value);
  }
  emit();
}

async function persist(entity: EntityDef): Promise<void> {
  const list = records.get(entity.name) ?? [];
  await AsyncStorage.setItem(recordsKey(entity), JSON.stringify(list.map((r) => toStored(entity, r))));
}

export const store = {
  all(entityName: string): StoredRecord[] {
    return records.get(entityName) ?? [];
  },
  get(entityName: string, id: string): StoredRecord | null {
    return this.all(entityName).find((r) => r.id === id) ?? null;
  },
  async save(entityName: string, values: Record<string, Value>, id: string | null = null): Promise<StoredRecord> {
    const entity = entityOf(entityName);
    const list = [...this.all(entityName)];
    const now = new Date().toISOString();
    const index = id ? list.findIndex((r) => r.id === id) : -1;
    let record: StoredRecord;
    if (index >= 0) {
      record = { ...list[index], ...values, id: list[index].id, updatedAt: now };
      list[index] = record;
    } else {
      record = { ...values, id: newId(), createdAt: now, updatedAt: now };
      list.unshift(record);
    }
    records.set(entityName, list);
    emit();
    await persist(entity);
    return record;
  },
  async remove(entityName: string, id: string): Promise<void> {
    const entity = entityOf(entityName);
    records.set(entityName, this.all(entityName).filter((r) => r.id !== id));
    emit();
    await persist(entity);
  },
  async clearAll(): Promise<void> {
    for (const entity of spec.entities) records.set(entity.name, []);
    emit();
    await AsyncStorage.multiRemove(spec.entities.map(recordsKey));
  },
  setting<T>(name: string, fallback: T): T {
    return settings.has(name) ? (settings.get(name) as T) : fallback;
  },
  async setSetting(name: string, value: unknown): Promise<void> {
    if (value === null) settings.delete(name);
    else settings.set(name, value);
    emit();
    const key = `${PREFIX}settings:${name}`;
    if (value === null) await AsyncStorage.removeItem(key);
    else await AsyncStorage.setItem(key, JSON.stringify(value));
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};

/** Re-renders the caller whenever any record or setting changes. */
export function useStoreVersion(): number {
  return useSyncExternalStore(store.subscribe, () => version, () => version);
}

export function useRecords(entityName: string | null): StoredRecord[] {
  useStoreVersion();
  return entityName ? store.all(entityName) : [];
}
