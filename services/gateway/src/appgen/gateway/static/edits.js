// The conversation under the preview: the first generation as version 1, then each follow-up
// prompt and what became of it, a box to send another, and Restore on every other version.
// It is drawn from the project's state (GET /projects/{id}: `versions` and `edits`) and kept
// current by the edit events. Both are merged by how far an entry has come, so a replayed history
// or a state read at an earlier position never moves an entry back. Prompts, reasons and changes
// are what people and the server wrote: they go in as text, never as markup.
import { api } from "./api.js";

const RANK = { queued: 0, running: 1, applied: 2, rejected: 2 };
const FIRST = "v1";

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class Conversation {
  /** `onVersions([{number, position}])` hears every change of the applied versions. */
  constructor({ section, list, form, input, button, error, onVersions }) {
    this.section = section;
    this.list = list;
    this.form = form;
    this.input = input;
    this.button = button;
    this.error = error;
    this.onVersions = onVersions;
    this.sending = null; // { prompt, key } of a request that could not reach the server
    form.addEventListener("submit", (submit) => {
      submit.preventDefault();
      this.send(input.value);
    });
    this.reset(null);
  }

  reset(projectId) {
    this.projectId = projectId;
    this.entries = new Map();
    this.items = new Map();
    this.version = 1;
    this.editable = false;
    this.busy = false;
    this.sending = null;
    this.list.replaceChildren();
    this.input.value = "";
    this.clearError();
    this.setBusy(false);
    this.section.hidden = true;
    this.form.hidden = true;
  }

  /** Merge the gateway's fold of the project (`ProjectState`). */
  fromState(state) {
    for (const version of state.versions || []) {
      if (version.number === 1) {
        this.merge(FIRST, { prompt: version.prompt, status: "applied", version: 1, applied: version.position });
      }
    }
    if (!this.entries.has(FIRST) && state.prompt) this.merge(FIRST, { prompt: state.prompt, status: "running" });
    for (const edit of state.edits || []) {
      this.merge(edit.edit_id, {
        prompt: edit.prompt,
        status: edit.status,
        position: edit.position,
        expected: edit.expected_version,
        restore: edit.restore,
        version: edit.version,
        reason: edit.reason,
        changes: edit.changes,
        applied: (state.versions || []).find((v) => v.edit_id === edit.edit_id)?.position,
      });
    }
    this.version = Math.max(this.version, state.version || 1);
    if (state.status === "complete") this.editable = true;
    this.draw();
  }

  /** Merge one event of the project's stream. */
  onEvent(event) {
    const data = event.data;
    switch (event.event_type) {
      case "ProjectRequested":
        this.merge(FIRST, { prompt: data.prompt, status: "running" });
        break;
      case "ProjectCompleted":
        this.merge(FIRST, { status: "applied", version: 1, applied: event.position });
        this.editable = true;
        break;
      case "EditRequested":
        this.merge(data.edit_id, {
          prompt: data.prompt,
          status: "queued",
          position: event.position,
          expected: data.expected_version,
          restore: data.restore,
        });
        break;
      case "EditStarted":
        this.merge(data.edit_id, { status: "running" });
        break;
      case "SpecRevised":
        this.merge(data.edit_id, { changes: (data.changes || []).map((change) => change.summary) });
        break;
      case "EditApplied":
        this.merge(data.edit_id, {
          prompt: data.prompt,
          status: "applied",
          version: data.version,
          changes: data.changes,
          applied: event.position,
        });
        this.version = Math.max(this.version, data.version);
        break;
      case "EditRejected":
        this.merge(data.edit_id, { status: "rejected", reason: data.reason });
        break;
      default:
        return;
    }
    this.draw();
  }

  merge(key, patch) {
    const entry = this.entries.get(key) || { key };
    // An entry further along keeps its status and outcome; only what it lacks is filled in.
    const behind =
      patch.status !== undefined && entry.status !== undefined && RANK[patch.status] < RANK[entry.status];
    for (const [name, value] of Object.entries(patch)) {
      if (value === undefined || value === null) continue;
      if (behind && entry[name] !== undefined) continue;
      // A state read before the edit was revised has no changes yet; the ones known stay.
      if (Array.isArray(value) && value.length === 0 && entry[name]) continue;
      entry[name] = value;
    }
    entry.status ??= "queued";
    if (key === FIRST) entry.position = -1;
    this.entries.set(key, entry);
  }

  ordered() {
    return [...this.entries.values()].sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity));
  }

  draw() {
    const entries = this.ordered();
    this.section.hidden = entries.length === 0 || (!this.editable && entries.length === 1);
    this.form.hidden = !this.editable;
    const items = entries.map((entry) => this.drawEntry(entry));
    const current = [...this.list.children];
    // Moved only when the order changed: moving an element would take the focus off its button.
    if (items.length !== current.length || items.some((item, i) => item !== current[i])) {
      this.list.replaceChildren(...items);
      // The newest entry in view: the list keeps a few lines of history above it.
      this.list.scrollTop = this.list.scrollHeight;
    }
    const versions = entries
      .filter((entry) => entry.status === "applied" && typeof entry.applied === "number")
      .map((entry) => ({ number: entry.version, position: entry.applied }))
      .sort((a, b) => a.number - b.number);
    const signature = JSON.stringify(versions);
    if (signature !== this.versionsSignature) {
      this.versionsSignature = signature;
      this.onVersions(versions);
    }
  }

  drawEntry(entry) {
    let item = this.items.get(entry.key);
    if (!item) {
      item = element("li", "turn");
      item.dataset.key = entry.key;
      this.items.set(entry.key, item);
    }
    item.dataset.status = entry.status;
    if (entry.version) item.dataset.version = String(entry.version);
    const first = entry.key === FIRST;
    const parts = [element("p", "turn-prompt", entry.prompt || "")];
    const status = element("p", "turn-status", this.statusText(entry, first));
    parts.push(status);
    if (entry.status === "applied" && entry.version === this.version) {
      status.append(" ", element("span", "turn-current", "current"));
    }
    if (entry.status === "rejected" && entry.reason) parts.push(element("p", "turn-reason", entry.reason));
    if (!first && entry.changes && entry.changes.length) {
      const changes = element("ul", "turn-changes");
      changes.setAttribute("aria-label", "What changed");
      for (const change of entry.changes) changes.append(element("li", "", change));
      parts.push(changes);
    }
    if (entry.status === "applied" && entry.version !== this.version && this.editable) {
      parts.push(this.restoreButton(entry.version));
    }
    const focused = item.contains(document.activeElement) ? document.activeElement.dataset.restore : null;
    item.replaceChildren(...parts);
    if (focused) item.querySelector(`[data-restore="${focused}"]`)?.focus();
    return item;
  }

  statusText(entry, first) {
    switch (entry.status) {
      case "queued":
        return entry.expected ? `Waiting for its turn (will be version ${entry.expected})…` : "Waiting for its turn…";
      case "running":
        return first ? "Being generated…" : "Changing the app…";
      case "rejected":
        return "Rejected: nothing was changed.";
      default:
        if (first) return "Generated as version 1";
        if (entry.restore) return `Applied as version ${entry.version} (version ${entry.restore} again)`;
        return `Applied as version ${entry.version}`;
    }
  }

  restoreButton(version) {
    const button = element("button", "small restore", "Restore");
    button.type = "button";
    button.dataset.restore = String(version);
    button.append(element("span", "visually-hidden", ` version ${version}`));
    button.disabled = this.busy;
    button.addEventListener("click", () => this.restore(version));
    return button;
  }

  /** Ask for a change; an empty prompt is refused here, anything else the server judges. */
  async send(raw) {
    const prompt = raw.trim();
    if (!prompt) {
      this.fail("Type what to change first, for example “add search” or “make it dark”.");
      return;
    }
    await this.post("edits", { prompt }, prompt);
  }

  async restore(version) {
    await this.post("revert", { version }, `Restore version ${version}`);
  }

  async post(path, body, prompt) {
    if (this.busy || this.projectId === null) return;
    const projectId = this.projectId;
    // The same request sent again after it could not reach the server keeps its key, so one that
    // did arrive is not queued twice.
    const key = this.sending && this.sending.prompt === prompt ? this.sending.key : newKey();
    this.sending = { prompt, key };
    this.clearError();
    this.setBusy(true);
    try {
      const receipt = await api(`/projects/${encodeURIComponent(projectId)}/${path}`, {
        method: "POST",
        body,
        headers: { "Idempotency-Key": key },
      });
      if (projectId !== this.projectId) return;
      this.sending = null;
      this.merge(receipt.edit_id, {
        prompt,
        status: "queued",
        position: receipt.position,
        expected: receipt.version,
        restore: body.version,
      });
      if (path === "edits") this.input.value = "";
      this.draw();
    } catch (error) {
      if (projectId !== this.projectId) return;
      if (!error.retryable) this.sending = null;
      this.fail(error.message || String(error));
    } finally {
      if (projectId === this.projectId) {
        this.setBusy(false);
        // Back to the box: to type the next change, or to fix the refused one.
        if (path === "edits" || !this.error.hidden) this.input.focus();
      }
    }
  }

  setBusy(busy) {
    this.busy = busy;
    this.input.disabled = busy;
    this.button.disabled = busy;
    this.button.textContent = busy ? "Sending…" : "Send";
    for (const button of this.list.querySelectorAll("button.restore")) button.disabled = busy;
  }

  fail(message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.input.setAttribute("aria-invalid", "true");
    if (!this.busy) this.input.focus();
  }

  clearError() {
    this.error.hidden = true;
    this.error.textContent = "";
    this.input.removeAttribute("aria-invalid");
  }
}
