// Components arrive after the screens. A screen asks for one by kind; until its module exists
// (or if it never will) a basic built-in stands in, so every screen works at every step.
import * as fallbacks from "./fallbacks.js";
import { spec } from "./spec.js";

const written = new Set(spec.screens.flatMap((sc) => sc.components.map((c) => c.kind)));
const cache = new Map();

/** The component for a kind: the generated module if present, else a built-in, else null. */
export function loadComponent(kind) {
  if (!cache.has(kind)) {
    const fallback = fallbacks[kind] ?? null;
    // Only kinds some screen uses are ever written: never ask the server for the others.
    const loading = written.has(kind)
      ? import(`./components/${kind}.js`).then((m) => m.default ?? fallback).catch(() => fallback)
      : Promise.resolve(fallback);
    cache.set(kind, loading);
  }
  return cache.get(kind);
}

/** Mount a component: returns its node, or null when it has nothing to show. */
export async function mount(kind, props) {
  const component = await loadComponent(kind);
  if (!component) return null;
  try {
    return (await component(props)) ?? null;
  } catch (error) {
    console.warn(`component ${kind} failed`, error);
    const fallback = fallbacks[kind];
    return fallback && fallback !== component ? (await fallback(props)) ?? null : null;
  }
}
