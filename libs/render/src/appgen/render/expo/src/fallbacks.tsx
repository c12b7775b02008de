// Built-in basics for the parts a screen cannot do without, used when the app's spec has no
// component of that kind.
import { useRouter } from "expo-router";
import { Modal, Pressable, View } from "react-native";

import { photoOf, subtitle, titleOf } from "./format";
import { newHref, recordHref } from "./links";
import { useTheme } from "./theme";
import type { ComponentProps } from "./types";
import { Avatar, Button, Card, Row, Txt } from "./ui";

export function RecordRows({ entity, records }: ComponentProps) {
  const router = useRouter();
  if (!entity) return null;
  return (
    <Card>
      {records.map((record) => (
        <Pressable key={record.id} accessibilityRole="link" onPress={() => router.push(recordHref(entity.name, record.id))}>
          <Row style={{ paddingVertical: 6 }}>
            <Avatar glyph={entity.icon} photo={photoOf(entity, record)} />
            <View style={{ flex: 1 }}>
              <Txt>{titleOf(entity, record)}</Txt>
              <Txt variant="small">{subtitle(entity, record)}</Txt>
            </View>
          </Row>
        </Pressable>
      ))}
    </Card>
  );
}

export function Empty({ entity, query }: ComponentProps) {
  const router = useRouter();
  if (!entity) return null;
  return (
    <Card style={{ alignItems: "center" }}>
      <Txt variant="title">{entity.icon}</Txt>
      <Txt variant="muted">{query ? `No ${entity.plural.toLowerCase()} match “${query}”` : `No ${entity.plural.toLowerCase()} yet`}</Txt>
      {query ? null : <Button label={`Add ${entity.label.toLowerCase()}`} onPress={() => router.push(newHref(entity.name))} />}
    </Card>
  );
}

export function ConfirmModal({ confirm }: ComponentProps) {
  const { palette } = useTheme();
  if (!confirm) return null;
  return (
    <Modal transparent animationType="fade" visible onRequestClose={confirm.onCancel}>
      <View style={{ flex: 1, justifyContent: "center", padding: 24, backgroundColor: "#00000088" }}>
        <Card style={{ backgroundColor: palette.surface }}>
          <Txt variant="heading">{confirm.title}</Txt>
          <Txt variant="muted">{confirm.message}</Txt>
          <Row style={{ justifyContent: "flex-end", marginTop: 8 }}>
            <Button kind="ghost" label="Cancel" onPress={confirm.onCancel} />
            <Button kind="danger" label={confirm.confirmLabel} onPress={confirm.onConfirm} />
          </Row>
        </Card>
      </View>
    </Modal>
  );
}
