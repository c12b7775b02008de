// Create or edit a record: one input per field, by type, with labels and inline validation.
import { mount } from "../components.js";
import { h, uid } from "../dom.js";
import { entityOf, titleOf } from "../format.js";
import { recordHref, routeFor } from "../links.js";
import { store } from "../store.js";
import { setAppBar, toast } from "../ui.js";
import { notFound } from "./detail.js";
import { listed, mountExtras, propsFor } from "./shared.js";

const INPUT_TYPES = {
  text: "text", number: "number", money: "number", date: "date", datetime: "datetime-local",
  email: "email", phone: "tel", url: "url",
};
const MAX_PHOTO = 960;

/** Shrink a photo before it goes into localStorage, whose quota is a few megabytes. */
function readPhoto(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener("error", () => reject(reader.error));
    reader.addEventListener("load", () => {
      const img = new Image();
      img.addEventListener("error", () => reject(new Error("not an image")));
      img.addEventListener("load", () => {
        const scale = Math.min(1, MAX_PHOTO / Math.max(img.width, img.height));
        if (scale === 1 && String(reader.result).length < 400_000) return resolve(String(reader.result));
        const canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        resolve(canvas.toDataURL("image/jpeg", 0.82));
      });
      img.src = String(reader.result);
    });
    reader.readAsDataURL(file);
  });
}

function withValue(select, value) {
  if (value !== undefined && value !== null) select.value = String(value);
  return select;
}

function control(field, value, id, describedBy) {
  const common = { id, name: field.name, required: field.required, "aria-describedby": describedBy };
  switch (field.type) {
    case "long_text":
      return h("textarea", { ...common, rows: 4, placeholder: field.placeholder, value: value ?? "" });
    case "boolean":
      return h("span", { class: "switch" },
        h("input", { ...common, required: false, type: "checkbox", role: "switch", checked: Boolean(value) }),
        h("span", { class: "switch-track", "aria-hidden": "true" }));
    case "choice":
      return withValue(h("select", common,
        h("option", { value: "", text: field.required ? `Choose ${field.label.toLowerCase()}` : "—" }),
        field.choices.map((choice) => h("option", { value: choice, text: choice }))), value);
    case "reference": {
      const target = entityOf(field.reference);
      const records = target ? store.all(target.name) : [];
      return withValue(h("select", common,
        h("option", { value: "", text: records.length ? `Choose ${target.label.toLowerCase()}` : `No ${target?.plural.toLowerCase() ?? "records"} yet` }),
        records.map((r) => h("option", { value: r.id, text: titleOf(target, r) }))), value);
    }
    case "rating": {
      const current = Number(value) || 0;
      return h("span", { class: "rating", role: "radiogroup", "aria-labelledby": `${id}-label` },
        [1, 2, 3, 4, 5].map((n) => h("label", { class: "star" },
          h("input", { type: "radio", name: field.name, value: String(n), checked: n === current, "aria-label": `${n} star${n > 1 ? "s" : ""}` }),
          h("span", { "aria-hidden": "true", text: "★" }))));
    }
    case "image": {
      const preview = h("img", { class: "photo-preview", alt: "", hidden: !value });
      if (value) preview.src = value;
      const input = h("input", { ...common, type: "file", accept: "image/*", required: field.required && !value });
      input.dataset.photo = value ?? "";
      input.addEventListener("change", async () => {
        const file = input.files?.[0];
        if (!file) return;
        try {
          input.dataset.photo = await readPhoto(file);
          preview.src = input.dataset.photo;
          preview.hidden = false;
        } catch {
          toast("That file is not a picture we can read", "error");
        }
      });
      return h("span", { class: "photo-field" }, preview, input);
    }
    default: {
      const type = INPUT_TYPES[field.type] ?? "text";
      const props = { ...common, type, placeholder: field.placeholder, value: value ?? "" };
      if (field.type === "money") Object.assign(props, { step: "0.01", min: "0", inputmode: "decimal" });
      if (field.type === "number") Object.assign(props, { step: "any", inputmode: "decimal" });
      if (field.type === "datetime" && value) props.value = String(value).slice(0, 16);
      if (field.type === "text") props.maxlength = "200";
      return h("input", props);
    }
  }
}

function readValue(form, field) {
  const el = form.elements.namedItem(field.name);
  switch (field.type) {
    case "boolean":
      return Boolean(el?.checked);
    case "number":
    case "money":
      return el.value === "" ? null : Number(el.value);
    case "rating": {
      const checked = form.querySelector(`input[name="${field.name}"]:checked`);
      return checked ? Number(checked.value) : null;
    }
    case "image":
      return el.dataset.photo || null;
    default:
      return el.value.trim() === "" ? null : el.value.trim();
  }
}

function problem(form, field) {
  if (field.type === "boolean") return null;
  const value = readValue(form, field);
  if (field.required && (value === null || value === "")) return `${field.label} is required`;
  if (field.type === "rating" || field.type === "image") return null;
  const el = form.elements.namedItem(field.name);
  if (!el.checkValidity()) {
    if (el.validity.typeMismatch) return `Enter a valid ${field.type === "url" ? "web address" : field.type}`;
    if (el.validity.rangeUnderflow) return `${field.label} can't be negative`;
    return el.validationMessage || `Check ${field.label.toLowerCase()}`;
  }
  return null;
}

export async function formView(ctx, screen, id = null) {
  const entity = entityOf(screen.entity);
  const existing = id ? store.get(entity.name, id) : null;
  const back = id ? recordHref(entity.name, id, ctx.route) : `#/${ctx.route}`;
  if (id && !existing) {
    setAppBar({ title: entity.label, back: `#/${ctx.route}` });
    return notFound(entity, `#/${ctx.route}`);
  }
  const heading = existing ? `Edit ${entity.label.toLowerCase()}` : `New ${entity.label.toLowerCase()}`;
  setAppBar({ title: heading, back });

  const form = h("form", { class: "form card", novalidate: true, "aria-label": heading });
  const errors = new Map();
  for (const field of entity.fields) {
    const id_ = uid(`f-${field.name}`);
    const errorId = `${id_}-error`;
    const error = h("p", { class: "field-error", id: errorId, hidden: true });
    errors.set(field.name, error);
    const labelText = [field.label, field.required ? h("span", { class: "req", "aria-hidden": "true", text: " *" }) : null];
    const labelNode = field.type === "rating"
      ? h("span", { class: "label", id: `${id_}-label` }, labelText)
      : h("label", { class: "label", for: id_ }, labelText);
    form.append(h("div", { class: `form-field field-${field.type}`, dataset: { field: field.name, type: field.type } },
      labelNode, control(field, existing?.[field.name], id_, errorId), error));
  }
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block", text: existing ? "Save changes" : `Add ${entity.label.toLowerCase()}` });
  form.append(h("div", { class: "form-actions" }, h("a", { class: "btn btn-ghost", href: back, text: "Cancel" }), submit));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    let first = null;
    for (const field of entity.fields) {
      const message = problem(form, field);
      const error = errors.get(field.name);
      error.textContent = message ?? "";
      error.hidden = !message;
      const el = form.querySelector(`[name="${field.name}"]`);
      el?.setAttribute("aria-invalid", message ? "true" : "false");
      if (message && !first) first = el;
    }
    if (first) {
      first.focus();
      return;
    }
    const values = Object.fromEntries(entity.fields.map((f) => [f.name, readValue(form, f)]));
    try {
      const saved = store.save(entity.name, values, existing?.id ?? null);
      form.dispatchEvent(new CustomEvent("saved", { detail: saved }));
      toast(existing ? "Changes saved" : `${entity.label} added`, "success");
      ctx.navigate(recordHref(entity.name, saved.id, routeFor(entity.name) ?? ctx.route));
    } catch (error) {
      toast(error?.name === "QuotaExceededError" ? "This device is out of space for the app's data" : "Could not save", "error");
    }
  });

  const enhancer = listed(screen, "record_form");
  const enhancement = enhancer ? await mount("record_form", propsFor(ctx, screen, enhancer, { entity, form, record: existing })) : null;
  const extras = await mountExtras(ctx, screen, ["record_form", "record_detail", "confirm_dialog", "header"]);
  return h("div", { class: "screen screen-form" }, enhancement, extras, form);
}
