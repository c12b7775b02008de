// One record: every field, edit, and delete after a confirmation.
import { Stack, useRouter } from "expo-router";
import { useState } from "react";
import { Image, View } from "react-native";

import { entityOf, photoOf, titleOf, valueText } from "../format";
import { editHref, listHref } from "../links";
import { store, useRecords } from "../store";
import type { Confirmation, ScreenDef } from "../types";
import { Button, Card, Page, Row, Txt } from "../ui";
import { Block, Extras, listed, propsFor } from "./shared";

export function DetailView({ screen, id }: { screen: ScreenDef; id: string }) {
  const router = useRouter();
  const entity = entityOf(screen.entity);
  useRecords(entity?.name ?? null);
  const [confirm, setConfirm] = useState<Confirmation | null>(null);
  if (!entity) return null;
  const record = store.get(entity.name, id);
  if (!record) {
    return (
      <Page>
        <Stack.Screen options={{ title: entity.label }} />
        <Txt variant="muted">{`This ${entity.label.toLowerCase()} no longer exists.`}</Txt>
      </Page>
    );
  }
  const title = titleOf(entity, record);
  const photo = photoOf(entity, record);
  const remove = () =>
    setConfirm({
      title: `Delete “${title}”?`,
      message: `This ${entity.label.toLowerCase()} will be gone for good.`,
      confirmLabel: "Delete",
      onCancel: () => setConfirm(null),
      onConfirm: () => {
        setConfirm(null);
        void store.remove(entity.name, record.id).then(() => {
          const list = listHref(entity.name);
          if (router.canGoBack()) router.back();
          else if (list) router.replace(list);
        });
      },
    });
  return (
    <Page>
      <Stack.Screen options={{ title: entity.label }} />
      {photo ? <Image source={{ uri: photo }} style={{ width: "100%", height: 220, borderRadius: 12 }} /> : null}
      <Txt variant="title">{title}</Txt>
      <Card>
        {entity.fields
          .filter((f) => f.name !== entity.title_field && f.type !== "image")
          .map((f) => (
            <View key={f.name} style={{ paddingVertical: 4 }}>
              <Txt variant="small">{f.label}</Txt>
              <Txt>{valueText(f, record[f.name]) || "—"}</Txt>
            </View>
          ))}
      </Card>
      {listed(screen, "record_detail") ? <Block kind="record_detail" props={propsFor(screen, listed(screen, "record_detail"), { record })} /> : null}
      <Extras screen={screen} placed={["header", "record_detail", "record_form", "confirm_dialog"]} />
      <Row>
        <View style={{ flex: 1 }}>
          <Button label={`Edit ${entity.label.toLowerCase()}`} onPress={() => router.push(editHref(entity.name, record.id))} />
        </View>
        <Button kind="danger" label="Delete" onPress={remove} />
      </Row>
      <Block kind="confirm_dialog" props={propsFor(screen, listed(screen, "confirm_dialog"), { record, confirm })} />
    </Page>
  );
}
