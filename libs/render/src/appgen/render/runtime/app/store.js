// The app's data, kept in this browser's localStorage under keys that start with the app's slug,
// so two generated apps on one origin never see each other's records.
import { spec } from "./spec.js";

const PREFIX = `appgen:${spec.slug}:`;
const listeners = new Set();
// A sandboxed frame (the gateway's page embeds previews in one, with no origin of its own) has
// no localStorage: there the records live in memory for the visit, and the app still works.
const storage = (() => {
  try {
    window.localStorage.getItem(PREFIX);
    return window.localStorage;
  } catch {
    const memory = new Map();
    return {
      getItem: (key) => (memory.has(key) ? memory.get(key) : null),
      setItem: (key, value) => memory.set(key, String(value)),
      removeItem: (key) => memory.delete(key),
    };
  }
})();

function read(key, fallback) {
  try {
    const raw = storage.getItem(PREFIX + key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

function write(key, value) {
  // May throw QuotaExceededError (big photos); callers show it to the person.
  storage.setItem(PREFIX + key, JSON.stringify(value));
}

// A renamed entity or field keeps the key its data was first stored under (`stored_as`), so an
// edit that renames it never loses what a person entered. Records are translated here, at the
// edge, and every view reads and writes them by the spec's current field names.
export function storageKey(item) {
  return item.stored_as ?? item.name;
}

function entityOf(name) {
  return spec.entities.find((e) => e.name === name) ?? null;
}

function recordsKey(name) {
  const entity = entityOf(name);
  return `records:${entity ? storageKey(entity) : name}`;
}

function renamedFields(entity) {
  return (entity?.fields ?? []).filter((field) => storageKey(field) !== field.name);
}

// Two passes, so fields that swapped names ("a" stored as "b" and "b" as "a") cannot clobber
// each other; a value left under a current name by a removed field never shows through.
function fromStored(entity, raw) {
  const record = { ...raw };
  const renamed = renamedFields(entity);
  for (const field of renamed) {
    delete record[storageKey(field)];
    delete record[field.name];
  }
  for (const field of renamed) {
    if (storageKey(field) in raw) record[field.name] = raw[storageKey(field)];
  }
  return record;
}

function toStored(entity, record) {
  const raw = { ...record };
  const renamed = renamedFields(entity);
  for (const field of renamed) delete raw[field.name];
  for (const field of renamed) {
    if (field.name in record) raw[storageKey(field)] = record[field.name];
  }
  return raw;
}

function notify(entity) {
  for (const listener of listeners) listener(entity);
}

/** A record id that works outside secure contexts too (a phone opening the preview by LAN IP). */
export function newId() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function" && window.isSecureContext) {
    return crypto.randomUUID().slice(0, 13);
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export const store = {
  all(entity) {
    const records = read(recordsKey(entity), []);
    if (!Array.isArray(records)) return [];
    const definition = entityOf(entity);
    return records.map((raw) => fromStored(definition, raw));
  },
  get(entity, id) {
    return this.all(entity).find((r) => r.id === id) ?? null;
  },
  save(entity, values, id = null) {
    const records = this.all(entity);
    const now = new Date().toISOString();
    const index = id ? records.findIndex((r) => r.id === id) : -1;
    let record;
    if (index >= 0) {
      record = { ...records[index], ...values, id, updatedAt: now };
      records[index] = record;
    } else {
      record = { ...values, id: newId(), createdAt: now, updatedAt: now };
      records.unshift(record);
    }
    const definition = entityOf(entity);
    write(recordsKey(entity), records.map((r) => toStored(definition, r)));
    notify(entity);
    return record;
  },
  remove(entity, id) {
    const definition = entityOf(entity);
    const kept = this.all(entity).filter((r) => r.id !== id);
    write(recordsKey(entity), kept.map((r) => toStored(definition, r)));
    notify(entity);
  },
  clearAll() {
    for (const entity of spec.entities) storage.removeItem(`${PREFIX}records:${storageKey(entity)}`);
    notify(null);
  },
  setting(name, fallback) {
    return read(`settings:${name}`, fallback);
  },
  setSetting(name, value) {
    write(`settings:${name}`, value);
  },
  subscribe(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
