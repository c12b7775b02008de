// A list of records; a yes/no field (done, watered, paid) becomes a check beside each one.
import { useRouter } from "expo-router";
import { Pressable, Text, View } from "react-native";

import { photoOf, subtitle, titleOf } from "../src/format";
import { recordHref } from "../src/links";
import { store } from "../src/store";
import { useTheme } from "../src/theme";
import type { ComponentProps } from "../src/types";
import { Avatar, Card, Row, Txt } from "../src/ui";

export default function RecordList({ entity, records }: ComponentProps) {
  const router = useRouter();
  const { palette } = useTheme();
  if (!entity) return null;
  const toggle = entity.fields.find((f) => f.type === "boolean");
  return (
    <Card>
      {records.map((record) => {
        const title = titleOf(entity, record);
        const done = toggle ? Boolean(record[toggle.name]) : false;
        return (
          <Row key={record.id} style={{ paddingVertical: 6 }}>
            {toggle ? (
              <Pressable
                accessibilityRole="switch"
                accessibilityState={{ checked: done }}
                accessibilityLabel={`${toggle.label}: ${title}`}
                onPress={() => void store.save(entity.name, { [toggle.name]: !done }, record.id)}
                style={{ width: 28, height: 28, borderRadius: 14, borderWidth: 2, borderColor: palette.primary, backgroundColor: done ? palette.primary : "transparent", alignItems: "center", justifyContent: "center" }}
              >
                <Text style={{ color: palette.onPrimary }}>{done ? "✓" : ""}</Text>
              </Pressable>
            ) : (
              <Avatar glyph={entity.icon} photo={photoOf(entity, record)} />
            )}
            <Pressable accessibilityRole="link" style={{ flex: 1 }} onPress={() => router.push(recordHref(entity.name, record.id))}>
              <View>
                <Txt style={done ? { textDecorationLine: "line-through" } : undefined}>{title}</Txt>
                <Txt variant="small">{subtitle(entity, record)}</Txt>
              </View>
            </Pressable>
          </Row>
        );
      })}
    </Card>
  );
}
