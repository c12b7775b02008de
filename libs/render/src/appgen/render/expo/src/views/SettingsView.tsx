// Settings: the theme (kept on this device), what is stored, and clearing it.
import { useRouter } from "expo-router";
import { useState } from "react";
import { View } from "react-native";

import { spec } from "../spec";
import { store, useStoreVersion } from "../store";
import { MODES, useTheme } from "../theme";
import type { Confirmation, ScreenDef } from "../types";
import { Button, Card, Chip, Page, Row, Section, Txt, styles } from "../ui";
import { Block, Extras, listed, propsFor } from "./shared";

const LABELS = { system: "System", light: "Light", dark: "Dark" } as const;

export function SettingsView({ screen }: { screen: ScreenDef }) {
  const router = useRouter();
  const { mode, setMode } = useTheme();
  const [confirm, setConfirm] = useState<Confirmation | null>(null);
  useStoreVersion();
  const about = spec.screens.find((s) => s.kind === "about");
  const clear = () =>
    setConfirm({
      title: "Clear all data?",
      message: `Every record in ${spec.name} on this device will be deleted.`,
      confirmLabel: "Clear",
      onCancel: () => setConfirm(null),
      onConfirm: () => {
        setConfirm(null);
        void store.clearAll();
      },
    });
  return (
    <Page>
      <Section title="Appearance">
        <View style={styles.wrap}>
          {MODES.map((m) => (
            <Chip key={m} label={LABELS[m]} selected={mode === m} onPress={() => setMode(m)} />
          ))}
        </View>
      </Section>
      <Extras screen={screen} placed={["header", "settings_list"]} />
      <Section title="Your data">
        <Card>
          {spec.entities.map((entity) => (
            <Row key={entity.name}>
              <Txt>{entity.icon}</Txt>
              <Txt style={{ flex: 1 }}>{entity.plural}</Txt>
              <Txt variant="muted">{String(store.all(entity.name).length)}</Txt>
            </Row>
          ))}
        </Card>
        {listed(screen, "settings_list") ? <Block kind="settings_list" props={propsFor(screen, listed(screen, "settings_list"))} /> : null}
        <Button kind="danger" label="Clear all data" onPress={clear} />
      </Section>
      {about ? <Button kind="ghost" label={`About ${spec.name}`} onPress={() => router.push(`/${about.route}`)} /> : null}
      <Block kind="confirm_dialog" props={propsFor(screen, null, { confirm })} />
    </Page>
  );
}
