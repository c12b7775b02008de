// DOM helpers. Every string from the spec or from the user goes in as text, never as markup:
// the runtime never parses strings as HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

function setProps(el, props) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.setAttribute("class", value);
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "checked" || key === "selected" || key === "value") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
}

function appendAll(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Make an HTML element: h("a", { href: "#/x", class: "item" }, "text", otherNode). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  appendAll(el, children);
  return el;
}

/** Make an SVG element (charts, rings, icons). */
export function s(tag, props = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props);
  appendAll(el, children);
  return el;
}

let counter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix = "id") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Only http(s), mailto and tel links leave the app: never javascript: or data: from user input. */
export function safeHref(value, kind = "url") {
  const text = String(value ?? "").trim();
  if (!text) return null;
  if (kind === "email") return `mailto:${encodeURIComponent(text).replace(/%40/g, "@")}`;
  if (kind === "phone") return `tel:${text.replace(/[^0-9+]/g, "")}`;
  try {
    const url = new URL(text.includes("://") ? text : `https://${text}`);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}
