// The eleven stage indicators (plus `failed`), drawn from the project's state as the gateway folds
// it (GET /api/v1/projects/{id}?at=): status, the time each stage took and, when language-model
// calls were recorded, their tokens and cost. Without model calls the usage stays hidden.
import { cost, duration, tokens } from "./format.js";

export const STAGES = [
  ["queued", "Queued"],
  ["analyzing", "Analyzing the prompt"],
  ["creating_project", "Creating the project"],
  ["generating_base", "Generating the base app"],
  ["setting_up_preview", "Setting up the preview"],
  ["preview_ready", "Preview ready"],
  ["adding_screens", "Adding screens"],
  ["adding_components", "Adding components"],
  ["generating_images", "Generating images"],
  ["finalizing", "Finalizing"],
  ["complete", "Complete"],
  ["failed", "Failed"],
];
// An edit's stages are not steps of the generation: they have labels, never indicators.
export const EDIT_STAGES = new Set(["editing", "edit_applied", "edit_rejected"]);
const LABELS = {
  ...Object.fromEntries(STAGES),
  editing: "Editing",
  edit_applied: "Edit applied",
  edit_rejected: "Edit rejected",
};
const STATUS_WORDS = { pending: "pending", active: "in progress", done: "done", failed: "failed" };

export function stageLabel(stage) {
  return LABELS[stage] || stage;
}

export class StageList {
  constructor(list, usageLine) {
    this.list = list;
    this.usageLine = usageLine;
    this.items = new Map();
    for (const [stage, label] of STAGES) {
      const item = document.createElement("li");
      item.className = "stage pending";
      item.dataset.stage = stage;
      item.dataset.status = "pending";
      const name = document.createElement("span");
      name.className = "stage-name";
      name.textContent = label;
      const status = document.createElement("span");
      status.className = "visually-hidden stage-status";
      status.textContent = `: ${STATUS_WORDS.pending}`;
      const time = document.createElement("span");
      time.className = "stage-time";
      const usage = document.createElement("span");
      usage.className = "stage-usage";
      usage.hidden = true;
      item.append(name, status, time, usage);
      // `failed` is a status rather than a step: it shows only when a project fails.
      item.hidden = stage === "failed";
      this.items.set(stage, item);
      list.append(item);
    }
  }

  reset() {
    for (const [stage] of STAGES) this.set(stage, "pending", null, null);
    this.items.get("failed").hidden = true;
    this.usageLine.hidden = true;
  }

  set(stage, status, durationMs, usage) {
    const item = this.items.get(stage);
    if (!item) return;
    item.className = `stage ${status}`;
    item.dataset.status = status;
    item.querySelector(".stage-status").textContent = `: ${STATUS_WORDS[status] || status}`;
    item.querySelector(".stage-time").textContent = status === "pending" ? "" : duration(durationMs);
    const line = item.querySelector(".stage-usage");
    line.hidden = !usage || usage.calls === 0;
    line.textContent = line.hidden ? "" : `${tokens(usage)} · ${cost(usage.cost_usd)}`;
  }

  /** Draw a `ProjectState` (the gateway's fold). */
  show(state) {
    for (const [stage, timing] of Object.entries(state.stages || {})) {
      this.set(stage, timing.status, timing.duration_ms, (state.usage_by_stage || {})[stage]);
    }
    const failed = state.status === "failed";
    this.items.get("failed").hidden = !failed;
    if (failed) this.set("failed", "failed", null, null);
    const usage = state.usage;
    this.usageLine.hidden = !usage || usage.calls === 0;
    if (!this.usageLine.hidden) {
      const calls = `${usage.calls} model call${usage.calls === 1 ? "" : "s"}`;
      this.usageLine.textContent =
        `Language model: ${calls}, ${tokens(usage)} ` +
        `(${usage.input_tokens.toLocaleString()} in, ${usage.output_tokens.toLocaleString()} out), ` +
        `${cost(usage.cost_usd)} in total`;
    }
  }
}
