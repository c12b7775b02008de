// Above a form: what it asks for, and that the starred fields are required.
import type { ComponentProps } from "../src/types";
import { Txt } from "../src/ui";

export default function RecordForm({ entity, record }: ComponentProps) {
  if (!entity) return null;
  const required = entity.fields.filter((f) => f.required).length;
  const what = record ? `Change this ${entity.label.toLowerCase()}.` : `Add a ${entity.label.toLowerCase()}.`;
  return <Txt variant="muted">{required ? `${what} Fields marked * are required.` : what}</Txt>;
}
