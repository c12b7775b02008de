// More settings: download every record as JSON, and how much of this device's storage it uses.
import { h } from "../dom.js";
import { store } from "../store.js";

export default function settingsList({ spec }) {
  const data = Object.fromEntries(spec.entities.map((e) => [e.name, store.all(e.name)]));
  const json = JSON.stringify({ app: spec.slug, exportedAt: new Date().toISOString(), data }, null, 2);
  const kb = Math.max(1, Math.round(new Blob([json]).size / 1024));
  const button = h("button", { type: "button", class: "btn btn-ghost btn-block", text: "Export data (JSON)" });
  button.addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    const link = h("a", { href: url, download: `${spec.slug}-data.json` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  return h("div", { class: "settings-extra" },
    h("p", { class: "muted small", text: `About ${kb} KB stored on this device.` }), button);
}
