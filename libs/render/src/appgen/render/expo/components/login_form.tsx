// A profile kept on this device: the app has no server, so "signing in" names the owner.
import { useState } from "react";
import { TextInput } from "react-native";

import { store, useStoreVersion } from "../src/store";
import { useTheme } from "../src/theme";
import type { ComponentProps } from "../src/types";
import { Button, Card, Txt } from "../src/ui";

export default function LoginForm(_props: ComponentProps) {
  useStoreVersion();
  const { palette } = useTheme();
  const [name, setName] = useState("");
  const profile = store.setting<{ name?: string } | null>("profile", null);
  if (profile?.name) {
    return (
      <Card>
        <Txt>{`Signed in as ${profile.name}`}</Txt>
        <Button kind="ghost" label="Sign out" onPress={() => void store.setSetting("profile", null)} />
      </Card>
    );
  }
  return (
    <Card>
      <TextInput
        accessibilityLabel="Name"
        placeholder="Your name"
        placeholderTextColor={palette.muted}
        value={name}
        onChangeText={setName}
        style={{ color: palette.text, borderColor: palette.border, borderWidth: 1, borderRadius: 10, padding: 10, fontSize: 16 }}
      />
      <Button label="Sign in" onPress={() => name.trim() && void store.setSetting("profile", { name: name.trim() })} />
      <Txt variant="small">Your profile stays on this device.</Txt>
    </Card>
  );
}
