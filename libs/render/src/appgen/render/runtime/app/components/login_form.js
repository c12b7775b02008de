// A profile kept on this device: the preview has no server, so "signing in" names the owner.
import { h } from "../dom.js";
import { store } from "../store.js";

export default function loginForm({ spec }) {
  const root = h("div", { class: "profile card" });
  const draw = () => {
    const profile = store.setting("profile", null);
    if (profile?.name) {
      const out = h("button", { type: "button", class: "btn btn-ghost", text: "Sign out" });
      out.addEventListener("click", () => { store.setSetting("profile", null); draw(); });
      root.replaceChildren(h("p", { class: "profile-name", text: `Signed in as ${profile.name}` }), out);
      return;
    }
    const id = `login-name-${spec.slug}`;
    const input = h("input", { id, type: "text", required: true, autocomplete: "name", placeholder: "Your name" });
    const form = h("form", { class: "form", novalidate: true },
      h("div", { class: "form-field" }, h("label", { class: "label", for: id, text: "Name" }), input),
      h("button", { type: "submit", class: "btn btn-primary", text: "Sign in" }),
      h("p", { class: "muted small", text: "Your profile stays on this device." }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!input.value.trim()) { input.setAttribute("aria-invalid", "true"); input.focus(); return; }
      store.setSetting("profile", { name: input.value.trim() });
      draw();
    });
    root.replaceChildren(form);
  };
  draw();
  return root;
}
