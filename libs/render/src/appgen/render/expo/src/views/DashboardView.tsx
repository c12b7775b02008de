// The overview: a greeting, the screen's components (tiles, charts, ...) and recent records.
import { useRouter } from "expo-router";
import { Pressable, View } from "react-native";

import { subtitle, titleOf } from "../format";
import { recordHref } from "../links";
import { spec } from "../spec";
import { useStoreVersion, store } from "../store";
import type { ScreenDef } from "../types";
import { Avatar, Card, Page, Row, Section, Txt } from "../ui";
import { Block, propsFor } from "./shared";

function greeting(): string {
  const hour = new Date().getHours();
  return hour < 5 ? "Good night" : hour < 12 ? "Good morning" : hour < 18 ? "Good afternoon" : "Good evening";
}

function Recent() {
  const router = useRouter();
  useStoreVersion();
  const all = spec.entities.flatMap((entity) => store.all(entity.name).map((record) => ({ entity, record })));
  all.sort((a, b) => String(b.record.createdAt ?? "").localeCompare(String(a.record.createdAt ?? "")));
  if (!all.length) return <Txt variant="muted">Nothing here yet. What you add shows up here.</Txt>;
  return (
    <Card>
      {all.slice(0, 5).map(({ entity, record }) => (
        <Pressable key={`${entity.name}-${record.id}`} accessibilityRole="link" onPress={() => router.push(recordHref(entity.name, record.id))}>
          <Row style={{ paddingVertical: 4 }}>
            <Avatar glyph={entity.icon} />
            <View style={{ flex: 1 }}>
              <Txt>{titleOf(entity, record)}</Txt>
              <Txt variant="small">{subtitle(entity, record) || entity.label}</Txt>
            </View>
          </Row>
        </Pressable>
      ))}
    </Card>
  );
}

export function DashboardView({ screen }: { screen: ScreenDef }) {
  useStoreVersion();
  const blocks = screen.components.filter((c) => c.kind !== "header" && c.kind !== "record_list" && c.kind !== "confirm_dialog");
  return (
    <Page>
      <Card>
        <Row>
          <Txt variant="title">{spec.theme.icon}</Txt>
          <View style={{ flex: 1 }}>
            <Txt variant="muted">{greeting()}</Txt>
            <Txt variant="title">{spec.name}</Txt>
          </View>
        </Row>
        <Txt variant="muted">{spec.description}</Txt>
      </Card>
      {blocks.map((c, i) => (
        <Section key={`${c.kind}-${i}`} title={c.kind === "stat_tiles" || c.kind === "chart" ? null : c.title}>
          <Block kind={c.kind} props={propsFor(screen, c)} />
        </Section>
      ))}
      <Section title="Recent">
        <Recent />
      </Section>
    </Page>
  );
}
