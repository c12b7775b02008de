// On a record's page: the records of other entities that point at it.
import { useRouter } from "expo-router";
import { Pressable } from "react-native";

import { titleOf } from "../src/format";
import { recordHref } from "../src/links";
import { spec } from "../src/spec";
import { store } from "../src/store";
import type { ComponentProps } from "../src/types";
import { Card, Row, Section, Txt } from "../src/ui";

export default function RecordDetail({ entity, record }: ComponentProps) {
  const router = useRouter();
  if (!entity || !record) return null;
  const sections = spec.entities.flatMap((other) =>
    other.fields
      .filter((f) => f.type === "reference" && f.reference === entity.name)
      .map((field) => ({ other, field, linked: store.all(other.name).filter((r) => r[field.name] === record.id) }))
      .filter(({ linked }) => linked.length > 0),
  );
  if (!sections.length) return null;
  return (
    <>
      {sections.map(({ other, field, linked }) => (
        <Section key={`${other.name}-${field.name}`} title={`${other.plural} (${linked.length})`}>
          <Card>
            {linked.map((r) => (
              <Pressable key={r.id} accessibilityRole="link" onPress={() => router.push(recordHref(other.name, r.id))}>
                <Row>
                  <Txt>{other.icon}</Txt>
                  <Txt>{titleOf(other, r)}</Txt>
                </Row>
              </Pressable>
            ))}
          </Card>
        </Section>
      ))}
    </>
  );
}
