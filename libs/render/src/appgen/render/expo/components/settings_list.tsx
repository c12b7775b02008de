// More settings: how much is stored, and sharing every record as JSON.
import { Share } from "react-native";

import { spec } from "../src/spec";
import { store } from "../src/store";
import type { ComponentProps } from "../src/types";
import { Button, Txt } from "../src/ui";

export default function SettingsList(_props: ComponentProps) {
  const data = Object.fromEntries(spec.entities.map((e) => [e.name, store.all(e.name)]));
  const json = JSON.stringify({ app: spec.slug, exportedAt: new Date().toISOString(), data }, null, 2);
  const kb = Math.max(1, Math.round(json.length / 1024));
  const share = async () => {
    try {
      await Share.share({ title: `${spec.name} data`, message: json });
    } catch {
      // Nothing to share to (a desktop browser without the Web Share API): the data stays here.
    }
  };
  return (
    <>
      <Txt variant="small">{`About ${kb} KB stored on this device.`}</Txt>
      <Button kind="ghost" label="Share data (JSON)" onPress={() => void share()} />
    </>
  );
}
