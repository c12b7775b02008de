// Asks before something is deleted for good; a dialog that works the same on phones and the web.
import { Modal, Text, View } from "react-native";

import { useTheme } from "../src/theme";
import type { ComponentProps } from "../src/types";
import { Button, Card, Row, Txt } from "../src/ui";

export default function ConfirmDialog({ confirm, entity }: ComponentProps) {
  const { palette } = useTheme();
  if (!confirm) return null;
  return (
    <Modal transparent animationType="fade" visible onRequestClose={confirm.onCancel}>
      <View style={{ flex: 1, justifyContent: "center", padding: 24, backgroundColor: "#00000088" }}>
        <Card style={{ backgroundColor: palette.surface, alignItems: "stretch" }}>
          {entity ? <Text style={{ fontSize: 32, textAlign: "center" }}>{entity.icon}</Text> : null}
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
