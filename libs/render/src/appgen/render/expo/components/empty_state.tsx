// What a list shows before it has records: a glyph, a line, and a way to add the first one.
import { useRouter } from "expo-router";

import { newHref } from "../src/links";
import type { ComponentProps } from "../src/types";
import { Button, Card, Txt } from "../src/ui";

export default function EmptyState({ entity, query, component }: ComponentProps) {
  const router = useRouter();
  if (!entity) return null;
  const line = query ? `No ${entity.plural.toLowerCase()} match “${query}”` : component.title ?? `No ${entity.plural.toLowerCase()} yet`;
  return (
    <Card style={{ alignItems: "center", paddingVertical: 24 }}>
      <Txt variant="title">{entity.icon}</Txt>
      <Txt variant="muted">{line}</Txt>
      {query ? null : <Button label={`Add ${entity.label.toLowerCase()}`} onPress={() => router.push(newHref(entity.name))} />}
    </Card>
  );
}
