// The list of earlier projects (GET /api/v1/projects), newest first; each reopens by its link.
import { api } from "./api.js";
import { ago } from "./format.js";
import { stageLabel } from "./stages.js";

const STATUS = { running: "running", complete: "complete", failed: "failed" };

export class ProjectList {
  constructor({ list, empty, more }) {
    this.list = list;
    this.empty = empty;
    this.more = more;
    this.limit = 20;
    this.current = null;
    more.addEventListener("click", () => {
      this.limit += 20;
      this.refresh();
    });
  }

  /** Mark the open project in the list. */
  select(projectId) {
    this.current = projectId;
    for (const item of this.list.children) {
      const link = item.querySelector("a");
      if (item.dataset.project === projectId) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  /** The open project's row follows its live state (the list itself is read less often). */
  update(state) {
    const item = [...this.list.children].find((row) => row.dataset.project === state.project_id);
    if (!item) return;
    const status = item.querySelector(".status");
    status.className = `status ${state.status}`;
    status.textContent = state.status === "running" ? stageLabel(state.stage) : STATUS[state.status];
    if (state.name) item.querySelector(".project-name").textContent = state.name;
  }

  async refresh() {
    let page;
    try {
      page = await api(`/projects?limit=${this.limit}`);
    } catch (error) {
      this.empty.hidden = false;
      this.empty.textContent = `Earlier projects could not be loaded: ${error.message}`;
      return;
    }
    this.empty.hidden = page.items.length > 0;
    this.empty.textContent = "No projects yet. Describe an app above to start one.";
    this.more.hidden = page.total <= page.items.length;
    this.list.replaceChildren(...page.items.map((project) => this.row(project)));
    this.select(this.current);
  }

  row(project) {
    const item = document.createElement("li");
    item.className = "project-row";
    item.dataset.project = project.project_id;
    const link = document.createElement("a");
    link.href = `#/p/${encodeURIComponent(project.project_id)}`;
    const name = document.createElement("span");
    name.className = "project-name";
    name.textContent = project.name || project.prompt || project.project_id;
    const status = document.createElement("span");
    status.className = `status ${project.status}`;
    status.textContent =
      project.status === "running" ? stageLabel(project.stage) : STATUS[project.status];
    const when = document.createElement("span");
    when.className = "project-when";
    when.textContent = ago(project.created_at);
    link.append(name, status, when);
    if (project.prompt && project.name) {
      const prompt = document.createElement("span");
      prompt.className = "project-prompt";
      prompt.textContent = project.prompt;
      link.append(prompt);
    }
    item.append(link);
    return item;
  }
}
