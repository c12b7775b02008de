// Shared pieces of chrome: the app bar, toasts, the confirm dialog, section headings.
import { h } from "./dom.js";

let shell = null;

export function setShell(value) {
  shell = value;
}

/** Set the app bar: its title, whether Back shows, and an optional action node. */
export function setAppBar({ title, back = null, action = null }) {
  if (!shell) return;
  shell.title.textContent = title;
  document.title = title === shell.appName ? title : `${title} · ${shell.appName}`;
  shell.back.hidden = !back;
  shell.back.dataset.href = back || "";
  shell.actions.replaceChildren(...(action ? [action] : []));
}

export function toast(message, tone = "info") {
  const region = document.getElementById("toast");
  if (!region) return;
  const note = h("div", { class: `toast toast-${tone}`, text: message });
  region.append(note);
  setTimeout(() => note.remove(), 3200);
}

/** Ask before something that cannot be undone. Resolves true only on an explicit yes. */
export function confirmDialog({ title, message, confirmLabel = "Delete", glyph = "⚠️" }) {
  return new Promise((resolve) => {
    const titleId = `confirm-title-${Date.now()}`;
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleId },
      h("form", { method: "dialog", class: "dialog-body" },
        h("div", { class: "dialog-glyph", "aria-hidden": "true", text: glyph }),
        h("h2", { id: titleId, text: title }),
        h("p", { class: "muted", text: message }),
        h("div", { class: "dialog-actions" },
          h("button", { type: "submit", value: "cancel", class: "btn btn-ghost", text: "Cancel" }),
          h("button", { type: "submit", value: "confirm", class: "btn btn-danger", text: confirmLabel }))));
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "confirm");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function section(title, ...children) {
  return h("section", { class: "section" }, title ? h("h2", { class: "section-title", text: title }) : null, ...children);
}

export function iconButton({ label, glyph, href = null, onclick = null, className = "icon-btn" }) {
  return href
    ? h("a", { class: className, href, "aria-label": label, title: label }, h("span", { "aria-hidden": "true", text: glyph }))
    : h("button", { type: "button", class: className, "aria-label": label, title: label, onclick }, h("span", { "aria-hidden": "true", text: glyph }));
}
