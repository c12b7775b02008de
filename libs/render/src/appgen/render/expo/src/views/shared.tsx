// What every view shares: the props components receive, and drawing a component by kind, with
// the built-in basics standing in for kinds this app has no module of.
import type { ComponentType } from "react";

import { components } from "../components";
import { ConfirmModal, Empty, RecordRows } from "../fallbacks";
import { entityOf } from "../format";
import { spec } from "../spec";
import { store } from "../store";
import type { ComponentDef, ComponentKind, ComponentProps, ScreenDef } from "../types";

const FALLBACKS: Partial<Record<ComponentKind, ComponentType<ComponentProps>>> = {
  record_list: RecordRows,
  card_grid: RecordRows,
  empty_state: Empty,
  confirm_dialog: ConfirmModal,
};

// These shape a view's own parts (its form, its record, its delete) rather than drawing a
// block of their own, so only the view that owns those parts places them.
const BEHAVIOURS: ComponentKind[] = ["confirm_dialog", "record_form", "record_detail"];

export function listed(screen: ScreenDef, kind: ComponentKind): ComponentDef | null {
  return screen.components.find((c) => c.kind === kind) ?? null;
}

export function propsFor(screen: ScreenDef, component: ComponentDef | null, extra: Partial<ComponentProps> = {}): ComponentProps {
  const entity = entityOf(component?.entity ?? screen.entity ?? spec.entities[0]?.name) ?? null;
  return {
    screen,
    component: component ?? { kind: "header", entity: null, field: null, title: null },
    entity,
    records: entity ? store.all(entity.name) : [],
    title: component?.title ?? screen.title,
    ...extra,
  };
}

export function Block({ kind, props }: { kind: ComponentKind; props: ComponentProps }) {
  const Found = components[kind] ?? FALLBACKS[kind];
  return Found ? <Found {...props} /> : null;
}

/** The screen's components that the view does not place itself, in the order listed. */
export function Extras({ screen, placed }: { screen: ScreenDef; placed: ComponentKind[] }) {
  return (
    <>
      {screen.components
        .filter((c) => !placed.includes(c.kind) && !BEHAVIOURS.includes(c.kind))
        .map((c, i) => (
          <Block key={`${c.kind}-${i}`} kind={c.kind} props={propsFor(screen, c)} />
        ))}
    </>
  );
}
