// Keeps an unsaved form as a draft, so a reload (the preview reloads as screens land) loses nothing.
import { h } from "../dom.js";

export default function recordForm({ spec, entity, form, record }) {
  const key = `appgen:${spec.slug}:draft:${entity.name}:${record?.id ?? "new"}`;
  const saved = sessionStorage.getItem(key);
  const skip = (el) => !el.name || el.type === "file" || el.type === "submit";
  if (saved) {
    try {
      const values = JSON.parse(saved);
      for (const el of form.elements) {
        if (skip(el) || !(el.name in values)) continue;
        if (el.type === "checkbox") el.checked = Boolean(values[el.name]);
        else if (el.type === "radio") el.checked = el.value === values[el.name];
        else el.value = values[el.name];
      }
    } catch {
      sessionStorage.removeItem(key);
    }
  }
  form.addEventListener("input", () => {
    const values = {};
    for (const el of form.elements) {
      if (skip(el)) continue;
      if (el.type === "checkbox") values[el.name] = el.checked;
      else if (el.type === "radio") { if (el.checked) values[el.name] = el.value; }
      else values[el.name] = el.value;
    }
    sessionStorage.setItem(key, JSON.stringify(values));
  });
  form.addEventListener("saved", () => sessionStorage.removeItem(key));
  if (!saved) return null;
  const discard = h("button", { type: "button", class: "text-btn", text: "Discard" });
  const note = h("div", { class: "draft-note", role: "status" }, h("span", { text: "Restored your unsaved changes." }), discard);
  discard.addEventListener("click", () => {
    sessionStorage.removeItem(key);
    form.reset();
    note.remove();
  });
  return note;
}
