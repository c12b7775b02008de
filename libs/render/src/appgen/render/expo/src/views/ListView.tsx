// One entity's records: search, filter chips, a list or cards, and an empty state.
import { useRouter } from "expo-router";
import { useState } from "react";

import { entityOf, valueText } from "../format";
import { newHref } from "../links";
import { spec } from "../spec";
import { useRecords } from "../store";
import type { EntityDef, ScreenDef, StoredRecord } from "../types";
import { Button, Page } from "../ui";
import { Block, Extras, listed, propsFor } from "./shared";

const PLACED = ["header", "search_bar", "filter_chips", "record_list", "card_grid", "empty_state"] as const;

export function matches(entity: EntityDef, record: StoredRecord, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (!needle) return true;
  return entity.fields.some((f) => valueText(f, record[f.name]).toLowerCase().includes(needle));
}

export function ListView({ screen }: { screen: ScreenDef }) {
  const router = useRouter();
  const entity = entityOf(screen.entity);
  const all = useRecords(entity?.name ?? null);
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<string | null>(null);
  if (!entity) return null;
  const chips = listed(screen, "filter_chips");
  const records = all.filter((record) => {
    if (!matches(entity, record, query)) return false;
    if (filter !== null && chips?.field) return String(record[chips.field] ?? "") === filter;
    return true;
  });
  const searchable = listed(screen, "search_bar") ?? (spec.features.includes("search") ? { kind: "search_bar" as const, entity: entity.name, field: null, title: null } : null);
  const listKind = listed(screen, "card_grid") ? "card_grid" : "record_list";
  const extra = { query, onQuery: setQuery, filter, onFilter: setFilter, records };
  return (
    <Page>
      {listed(screen, "header") ? <Block kind="header" props={propsFor(screen, listed(screen, "header"), { records: all })} /> : null}
      <Button testID="new-record" label={`New ${entity.label.toLowerCase()}`} onPress={() => router.push(newHref(entity.name))} />
      {searchable ? <Block kind="search_bar" props={propsFor(screen, searchable, extra)} /> : null}
      {chips ? <Block kind="filter_chips" props={propsFor(screen, chips, extra)} /> : null}
      <Extras screen={screen} placed={[...PLACED]} />
      {records.length ? (
        <Block kind={listKind} props={propsFor(screen, listed(screen, listKind), extra)} />
      ) : (
        <Block kind="empty_state" props={propsFor(screen, listed(screen, "empty_state"), extra)} />
      )}
    </Page>
  );
}
