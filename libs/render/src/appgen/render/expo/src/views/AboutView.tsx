// About: what the app is, and the words it was made from, shown as text.
import { spec } from "../spec";
import type { ScreenDef } from "../types";
import { Card, Chip, Page, Section, Txt } from "../ui";
import { View } from "react-native";
import { Block, Extras, listed, propsFor } from "./shared";

export function AboutView({ screen }: { screen: ScreenDef }) {
  return (
    <Page>
      <Txt variant="title">{`${spec.theme.icon} ${spec.name}`}</Txt>
      <Txt variant="muted">{spec.description}</Txt>
      {listed(screen, "about_card") ? <Block kind="about_card" props={propsFor(screen, listed(screen, "about_card"))} /> : null}
      <Extras screen={screen} placed={["about_card", "header"]} />
      {spec.prompt ? (
        <Section title="Made from this prompt">
          <Card>
            <Txt>{spec.prompt}</Txt>
          </Card>
        </Section>
      ) : null}
      {spec.features.length ? (
        <Section title="Features">
          <View style={{ flexDirection: "row", flexWrap: "wrap" }}>
            {spec.features.map((f) => (
              <Chip key={f} label={f.replace(/_/g, " ")} selected={false} onPress={() => undefined} />
            ))}
          </View>
        </Section>
      ) : null}
      <Txt variant="small">Your data stays on this device.</Txt>
    </Page>
  );
}
