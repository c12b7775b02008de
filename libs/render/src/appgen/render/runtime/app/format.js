// How a field's value reads on screen. Returns text or a DOM node, never markup.
import { h, safeHref } from "./dom.js";
import { spec } from "./spec.js";
import { store } from "./store.js";

const money = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD" });
const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function entityOf(name) {
  return spec.entities.find((e) => e.name === name) ?? null;
}

export function titleOf(entity, record) {
  const value = record?.[entity.title_field];
  return value === undefined || value === null || value === "" ? `Untitled ${entity.label}` : String(value);
}

export function isEmpty(value) {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length);
}

export function formatMoney(value) {
  return money.format(Number(value) || 0);
}

export function formatNumber(value) {
  return number.format(Number(value) || 0);
}

export function formatDate(value, withTime = false) {
  if (!value) return "";
  // A bare date is a calendar day, not midnight UTC: parse it as local time.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00`) : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return withTime
    ? date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })
    : date.toLocaleDateString(undefined, { dateStyle: "medium" });
}

export function stars(value) {
  const n = Math.max(0, Math.min(5, Math.round(Number(value) || 0)));
  return "★".repeat(n) + "☆".repeat(5 - n);
}

/** Plain text for a value: lists, search and subtitles. */
export function valueText(field, value) {
  if (isEmpty(value)) return "";
  switch (field.type) {
    case "money":
      return formatMoney(value);
    case "number":
      return formatNumber(value);
    case "date":
      return formatDate(value);
    case "datetime":
      return formatDate(value, true);
    case "boolean":
      return value ? "Yes" : "No";
    case "rating":
      return stars(value);
    case "image":
      return "";
    case "reference": {
      const target = entityOf(field.reference);
      const record = target ? store.get(target.name, value) : null;
      return record ? titleOf(target, record) : "";
    }
    default:
      return String(value);
  }
}

/** A node for a value on a detail page: links for url/email/phone, an image for photos. */
export function valueNode(field, value) {
  if (isEmpty(value)) return h("span", { class: "muted", text: "—" });
  if (field.type === "image" && typeof value === "string" && value.startsWith("data:image/")) {
    return h("img", { class: "photo", src: value, alt: field.label });
  }
  if (field.type === "url" || field.type === "email" || field.type === "phone") {
    const href = safeHref(value, field.type);
    if (href) return h("a", { href, rel: "noopener noreferrer", target: field.type === "url" ? "_blank" : null, text: String(value) });
  }
  if (field.type === "rating") {
    return h("span", { class: "stars", "aria-label": `${Number(value) || 0} out of 5`, text: stars(value) });
  }
  if (field.type === "boolean") {
    return h("span", { class: value ? "pill pill-yes" : "pill", text: value ? "Yes" : "No" });
  }
  if (field.type === "reference") {
    const target = entityOf(field.reference);
    const record = target ? store.get(target.name, value) : null;
    if (!record) return h("span", { class: "muted", text: "—" });
    const route = spec.screens.find((sc) => sc.kind === "list" && sc.entity === target.name)?.route;
    const title = titleOf(target, record);
    return route ? h("a", { href: `#/${route}/${encodeURIComponent(record.id)}`, text: title }) : h("span", { text: title });
  }
  if (field.type === "long_text") return h("p", { class: "prose", text: String(value) });
  return h("span", { text: valueText(field, value) });
}
