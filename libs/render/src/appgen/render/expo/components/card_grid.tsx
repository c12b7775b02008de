// Records as picture cards, two to a row.
import { useRouter } from "expo-router";
import { Image, Pressable, Text, View } from "react-native";

import { photoOf, subtitle, titleOf } from "../src/format";
import { recordHref } from "../src/links";
import { useTheme } from "../src/theme";
import type { ComponentProps } from "../src/types";
import { Txt } from "../src/ui";

export default function CardGrid({ entity, records }: ComponentProps) {
  const router = useRouter();
  const { palette } = useTheme();
  if (!entity) return null;
  return (
    <View style={{ flexDirection: "row", flexWrap: "wrap", gap: 12 }}>
      {records.map((record) => {
        const photo = photoOf(entity, record);
        return (
          <Pressable
            key={record.id}
            accessibilityRole="link"
            onPress={() => router.push(recordHref(entity.name, record.id))}
            style={{ width: "47%", backgroundColor: palette.surface, borderRadius: palette.radius, overflow: "hidden", borderColor: palette.border, borderWidth: 1 }}
          >
            {photo ? (
              <Image source={{ uri: photo }} style={{ width: "100%", height: 110 }} />
            ) : (
              <View style={{ height: 110, backgroundColor: palette.tint, alignItems: "center", justifyContent: "center" }}>
                <Text style={{ fontSize: 40 }}>{entity.icon}</Text>
              </View>
            )}
            <View style={{ padding: 10 }}>
              <Txt>{titleOf(entity, record)}</Txt>
              <Txt variant="small">{subtitle(entity, record)}</Txt>
            </View>
          </Pressable>
        );
      })}
    </View>
  );
}
