// The app opens on its home screen.
import { Redirect } from "expo-router";

import { spec } from "../src/spec";

export default function Index() {
  return <Redirect href={`/${spec.home}`} />;
}
