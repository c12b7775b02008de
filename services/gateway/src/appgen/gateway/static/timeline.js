// The event log and the timeline scrubber. Every event received is a point on the timeline; the
// scrubber's right end is "live", any other point pins the preview to that event's position.
import { clock, duration } from "./format.js";
import { stageLabel } from "./stages.js";

export class Timeline {
  /**
   * `onPin(event | null)` is told which event to show the app at (null: live).
   */
  constructor({ log, scrubber, label, liveButton, onPin }) {
    this.log = log;
    this.scrubber = scrubber;
    this.label = label;
    this.liveButton = liveButton;
    this.onPin = onPin;
    this.events = [];
    this.pinned = null;
    scrubber.addEventListener("input", () => this.pinIndex(Number(scrubber.value)));
    liveButton.addEventListener("click", () => this.pinIndex(this.events.length - 1));
    this.reset();
  }

  reset() {
    this.events = [];
    this.pinned = null;
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
    this.describe();
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
    this.label.textContent = `${where} · ${event.event_type} · ${stageLabel(event.stage)}`;
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
