// The event log and the timeline scrubber. Every event received is a point on the timeline; the
// scrubber's right end is "live", any other point pins the preview to that event's position.
// Each version of the app (the generation, then every applied edit) is marked under the scrubber
// where it was complete; a mark shows the app as that version.
import { clock, duration } from "./format.js";
import { stageLabel } from "./stages.js";

export class Timeline {
  /**
   * `onPin(event | null)` is told which event to show the app at (null: live).
   */
  constructor({ log, scrubber, label, liveButton, marks, onPin }) {
    this.log = log;
    this.marks = marks;
    this.scrubber = scrubber;
    this.label = label;
    this.liveButton = liveButton;
    this.onPin = onPin;
    this.events = [];
    this.pinned = null;
    this.versions = [];
    this.markButtons = new Map();
    scrubber.addEventListener("input", () => this.pinIndex(Number(scrubber.value)));
    liveButton.addEventListener("click", () => this.pinIndex(this.events.length - 1));
    this.reset();
  }

  reset() {
    this.events = [];
    this.pinned = null;
    this.versions = [];
    this.markButtons.clear();
    this.marks.replaceChildren();
    this.marks.hidden = true;
    this.log.replaceChildren();
    this.scrubber.min = "0";
    this.scrubber.max = "0";
    this.scrubber.value = "0";
    this.scrubber.disabled = true;
    this.liveButton.hidden = true;
    this.describe();
  }

  add(event) {
    this.events.push(event);
    const last = this.events.length - 1;
    this.scrubber.max = String(last);
    this.scrubber.disabled = last === 0;
    if (this.pinned === null) this.scrubber.value = String(last);
    this.log.append(this.row(event, last));
    this.drawMarks();
    this.describe();
  }

  /** The app's versions, `[{number, position}]`: where each was complete in the log. */
  setVersions(versions) {
    this.versions = versions;
    this.drawMarks();
    this.describe();
  }

  /** The index of the last event at or before `position`. */
  indexAt(position) {
    let low = 0;
    let high = this.events.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.events[middle].position <= position) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The newest version complete at `position`, or null before the first one. */
  versionAt(position) {
    let found = null;
    for (const version of this.versions) if (version.position <= position) found = version.number;
    return found;
  }

  drawMarks() {
    const count = this.events.length;
    const newest = count ? this.events[count - 1].position : -1;
    // A version is marked once its event has arrived here (a state read may know it earlier).
    const shown = this.versions.filter((version) => version.position <= newest);
    const numbers = new Set(shown.map((version) => version.number));
    for (const [number, button] of this.markButtons) {
      if (!numbers.has(number)) {
        button.remove();
        this.markButtons.delete(number);
      }
    }
    for (const version of shown) {
      let button = this.markButtons.get(version.number);
      if (!button) {
        button = document.createElement("button");
        button.type = "button";
        button.className = "version-mark";
        button.textContent = `v${version.number}`;
        button.setAttribute("aria-label", `v${version.number}: show version ${version.number} of the app`);
        button.addEventListener("click", () => this.pinIndex(Number(button.dataset.index)));
        this.markButtons.set(version.number, button);
        this.marks.append(button);
      }
      const index = this.indexAt(version.position);
      button.dataset.index = String(index);
      button.dataset.position = String(version.position);
      // Under the range's thumb at that index: the track runs from half a thumb in at each end.
      const fraction = count > 1 ? index / (count - 1) : 1;
      button.style.left = `calc(8px + (100% - 16px) * ${fraction})`;
    }
    this.marks.hidden = shown.length === 0;
  }

  /** Move to the event at `index`; the last one means live. */
  pinIndex(index) {
    const last = this.events.length - 1;
    if (last < 0) return;
    index = Math.max(0, Math.min(index, last));
    this.pinned = index === last ? null : index;
    this.scrubber.value = String(index);
    this.liveButton.hidden = this.pinned === null;
    for (const row of this.log.children) {
      row.classList.toggle("pinned", Number(row.dataset.index) === this.pinned);
    }
    this.describe();
    this.onPin(this.pinned === null ? null : this.events[this.pinned]);
  }

  describe() {
    const count = this.events.length;
    if (count === 0) {
      this.label.textContent = "No events yet";
      this.scrubber.setAttribute("aria-valuetext", this.label.textContent);
      return;
    }
    const index = this.pinned === null ? count - 1 : this.pinned;
    const event = this.events[index];
    const where = this.pinned === null ? "Live" : `Event ${index + 1} of ${count}`;
    const version = this.versionAt(event.position);
    const which = version === null ? "" : ` · version ${version}`;
    this.label.textContent = `${where}${which} · ${event.event_type} · ${stageLabel(event.stage)}`;
    for (const button of this.markButtons.values()) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.index) === index));
    }
    this.scrubber.setAttribute("aria-valuetext", this.label.textContent);
  }

  row(event, index) {
    const item = document.createElement("li");
    item.className = `event ${event.type}`;
    item.dataset.index = String(index);
    item.dataset.position = String(event.position);
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    const since = Date.parse(event.occurred_at) - Date.parse(this.events[0].occurred_at);
    const parts = [
      ["event-time", clock(event.occurred_at)],
      ["event-offset", `+${duration(since)}`],
      ["event-type", event.event_type],
      ["event-stage", stageLabel(event.stage)],
      ["event-message", event.data.message || ""],
    ];
    for (const [name, text] of parts) {
      const span = document.createElement("span");
      span.className = name;
      span.textContent = text;
      summary.append(span);
    }
    const body = document.createElement("div");
    body.className = "event-body";
    const show = document.createElement("button");
    show.type = "button";
    show.className = "small";
    show.textContent = "Show the app at this point";
    show.addEventListener("click", () => this.pinIndex(index));
    const data = document.createElement("pre");
    // Built when opened: most events are never looked at.
    details.addEventListener("toggle", () => {
      if (details.open && !data.textContent) {
        const shown = { position: event.position, event_id: event.event_id, data: event.data };
        if (event.metadata) shown.metadata = event.metadata;
        data.textContent = JSON.stringify(shown, null, 2);
      }
    });
    body.append(show, data);
    details.append(summary, body);
    item.append(details);
    return item;
  }
}
