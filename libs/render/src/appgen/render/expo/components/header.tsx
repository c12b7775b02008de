// A summary line above a list: how many records, and how many are done when that applies.
import type { ComponentProps } from "../src/types";
import { Txt } from "../src/ui";

export default function Header({ entity, records, component, screen }: ComponentProps) {
  if (!entity || screen.kind !== "list") return component.title ? <Txt variant="heading">{component.title}</Txt> : null;
  const count = records.length;
  const parts = [`${count} ${count === 1 ? entity.label.toLowerCase() : entity.plural.toLowerCase()}`];
  const toggle = entity.fields.find((f) => f.type === "boolean");
  if (toggle && count) parts.push(`${records.filter((r) => r[toggle.name]).length} ${toggle.label.toLowerCase()}`);
  return <Txt variant="muted">{parts.join(" · ")}</Txt>;
}
