// The gateway's page: start a project or reopen one, follow its events, show the app as it grows.
// The URL names the open project (#/p/<id>), so a reload resumes it from its history.
import { api, refused } from "./api.js";
import { Conversation } from "./edits.js";
import { ExpoGo } from "./expogo.js";
import { Preview } from "./preview.js";
import { ProjectList } from "./projects.js";
import { SignIn } from "./signin.js";
import { EDIT_STAGES, StageList, stageLabel } from "./stages.js";
import { follow } from "./stream.js";
import { Timeline } from "./timeline.js";

const $ = (id) => document.getElementById(id);
const ROUTE = /^#\/p\/([^/?#]+)$/;

function newKey() {
  // crypto.randomUUID needs a secure context; a phone on the LAN opens the page over plain http.
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- errors, in words, with a retry --------------------------------------------------------

let retryAction = null;

function showNotice(message, retry = null) {
  $("notice-text").textContent = message;
  retryAction = retry;
  $("retry").hidden = retry === null;
  $("notice").hidden = false;
}

function clearNotice() {
  $("notice").hidden = true;
  retryAction = null;
}

function reportError(error, retry) {
  if (error.name === "AbortError") return;
  showNotice(error.message || String(error), retry);
}

// ---- the open project ------------------------------------------------------------------------

const stages = new StageList($("stages"), $("usage"));
const preview = new Preview({
  frame: $("frame"),
  empty: $("frame-empty"),
  link: $("open"),
  qr: $("qr"),
  exportButton: $("export"),
  share: $("share"),
  onError: reportError,
});
const expoGo = new ExpoGo({
  qr: $("expo-qr"),
  button: $("expo-go-start"),
  status: $("expo-go-status"),
});
const timeline = new Timeline({
  log: $("log"),
  scrubber: $("scrub"),
  label: $("scrub-label"),
  liveButton: $("live"),
  marks: $("version-marks"),
  onPin: (event) => preview.show(event),
});
const conversation = new Conversation({
  section: $("edits"),
  list: $("conversation"),
  form: $("edit-form"),
  input: $("edit-prompt"),
  button: $("edit-go"),
  error: $("edit-error"),
  onVersions: (versions) => timeline.setVersions(versions),
});
const projects = new ProjectList({ list: $("projects"), empty: $("projects-empty"), more: $("more") });

/** One project being followed; replaced as a whole when another project opens. */
class Session {
  constructor(projectId) {
    this.projectId = projectId;
    this.closed = false;
    this.screens = new Map();
    this.images = new Map();
    this.progress = 0;
    this.stage = null;
    this.completed = false;
    this.home = null;
    this.fetching = false;
    this.dirty = false;
    this.stream = null;
  }

  start() {
    this.stream = follow(this.projectId, {
      since: 0,
      onEvent: (event) => this.onEvent(event),
      onStatus: (status) => this.onStatus(status),
    });
  }

  close() {
    this.closed = true;
    if (this.stream) this.stream.close();
  }

  onEvent(event) {
    if (this.closed) return;
    timeline.add(event);
    $("log-count").textContent = `(${timeline.events.length})`;
    if (preview.saw(event) && timeline.pinned === null) preview.show(null);
    conversation.onEvent(event);
    // An edit's events (and, once the app is complete, the screens and components it writes) are
    // not steps of the generation: the conversation shows them, the indicators stay as they are.
    const editing = EDIT_STAGES.has(event.stage) || (this.completed && event.event_type !== "ImageGenerated");
    if (event.event_type === "ProjectCompleted") this.completed = true;
    const spec = event.data.spec;
    if (spec && spec.home) this.home = spec.home;
    if (editing) {
      if (["ScreenAdded", "ScreenUpdated", "ScreenRemoved"].includes(event.event_type)) this.editScreen(event);
      this.refreshState();
      return;
    }
    const data = event.data;
    if (event.event_type === "ProjectRequested" && data.prompt) $("project-prompt").textContent = data.prompt;
    if (event.event_type === "ProjectCreated" && data.name) $("project-title").textContent = data.name;
    if (event.event_type === "AnalysisCompleted" && data.spec && data.spec.name) {
      $("project-title").textContent = data.spec.name;
    }
    if (event.event_type === "ScreenAdded") this.badge(this.screens, $("screens"), data.route, data.title, data.total);
    if (event.event_type === "ImageGenerated") this.badge(this.images, $("images"), data.name, data.name, data.total);
    this.progress = event.type === "complete" ? 100 : Math.max(this.progress, data.progress ?? event.progress);
    $("bar-fill").style.width = `${this.progress}%`;
    $("bar").setAttribute("aria-valuenow", String(this.progress));
    // The live region announces each stage once; the line below it follows every event.
    // Images run in the background beside the main path: they do not change the headline.
    if (event.stage !== this.stage && event.stage !== "generating_images") {
      this.stage = event.stage;
      $("stage-line").textContent = stageLabel(event.stage);
    }
    $("message-line").textContent = data.message || "";
    if (event.event_type === "ProjectFailed") {
      const prompt = $("project-prompt").textContent;
      showNotice(`This app could not be generated: ${data.reason || data.message}`, prompt ? () => generate(prompt) : null);
    }
    this.refreshState();
    if (event.type !== "progress") projects.refresh();
  }

  badge(map, list, key, label, total) {
    // Keyed, so an event seen again (after a reconnect, or in a replayed history) adds nothing.
    if (map.has(key)) return;
    const item = document.createElement("li");
    item.className = "badge";
    item.textContent = label;
    map.set(key, item);
    list.append(item);
    const heading = list === $("screens") ? $("screens-title") : $("images-title");
    const word = list === $("screens") ? "Screens" : "Images";
    heading.textContent = total ? `${word} (${map.size}/${total})` : `${word} (${map.size})`;
  }

  /** An edit's screen: added, renamed or removed; once per route, and never the home screen,
   * which comes with the base (as during the generation). */
  editScreen(event) {
    const { route, title } = event.data;
    if (route === this.home) return;
    const item = this.screens.get(route);
    if (item && event.event_type === "ScreenRemoved") {
      item.remove();
      this.screens.delete(route);
      $("screens-title").textContent = `Screens (${this.screens.size})`;
    } else if (item) {
      item.textContent = title;
    } else if (event.event_type === "ScreenAdded") {
      this.badge(this.screens, $("screens"), route, title, null);
    }
  }

  onStatus(status) {
    if (this.closed) return;
    const line = $("connection");
    $("reconnect").hidden = status.state !== "reconnecting";
    line.dataset.state = status.state;
    switch (status.state) {
      case "connecting":
        line.textContent = "Connecting…";
        break;
      case "live":
        line.textContent = status.resumed
          ? `Reconnected: resumed after position ${status.since}, nothing missed.`
          : "Live: following the generation.";
        break;
      case "reconnecting":
        line.textContent =
          `Connection lost. Reconnecting from position ${status.since}` +
          (status.delay ? ` in ${(status.delay / 1000).toFixed(1)} s (attempt ${status.attempt})…` : "…");
        break;
      case "complete":
        line.textContent =
          `Finished: ${timeline.events.length} events. Still following: changes you ask for appear here.`;
        break;
      case "done":
        line.textContent = `Finished: ${timeline.events.length} events.`;
        break;
      case "error":
        line.textContent = "Not following this project.";
        if (String(status.reason).startsWith("unauthorized")) {
          // The socket's token was refused: with a new one, follow again; else the sign-in shows.
          refused().then((again) => {
            if (again && !this.closed) openProject(this.projectId);
            else if (signedIn) this.refusedNotice(status.reason);
          });
          break;
        }
        this.refusedNotice(status.reason);
        break;
    }
  }

  refusedNotice(reason) {
    showNotice(`The server refused to stream this project: ${reason}.`, () => openProject(this.projectId));
  }

  /** The stage timings and usage come from the gateway's own fold, as of the last event seen. */
  async refreshState() {
    if (this.fetching) {
      this.dirty = true;
      return;
    }
    this.fetching = true;
    try {
      do {
        this.dirty = false;
        const at = this.stream.position;
        const state = await api(`/projects/${encodeURIComponent(this.projectId)}?at=${at}`);
        if (this.closed) return;
        stages.show(state);
        projects.update(state);
        conversation.fromState(state);
        // An edit may rename the app.
        if (state.version > 1 && state.name) $("project-title").textContent = state.name;
      } while (this.dirty);
    } catch {
      // The stream's own status says when the server is unreachable; the next event retries.
    } finally {
      this.fetching = false;
    }
  }
}

let session = null;

function resetViews(projectId) {
  stages.reset();
  timeline.reset();
  conversation.reset(projectId);
  preview.reset(projectId);
  expoGo.reset(projectId);
  $("project").hidden = true;
  for (const id of ["screens", "images", "stage-line", "message-line", "project-prompt", "connection", "log-count"]) {
    $(id).replaceChildren();
  }
  $("screens-title").textContent = "Screens";
  $("images-title").textContent = "Images";
  $("project-title").textContent = "Your app";
  $("bar-fill").style.width = "0%";
  $("bar").setAttribute("aria-valuenow", "0");
}

async function openProject(projectId) {
  clearNotice();
  if (session) session.close();
  session = new Session(projectId);
  const mine = session;
  resetViews(projectId);
  projects.select(projectId);
  if (location.hash !== `#/p/${projectId}`) location.hash = `#/p/${projectId}`;
  try {
    // Ask first: the socket would wait for a `start` message for an id it does not know.
    const state = await api(`/projects/${encodeURIComponent(projectId)}`);
    if (mine.closed) return;
    preview.reset(projectId, state.links.preview_url);
    expoGo.reset(projectId);
    $("project").hidden = false;
    if (state.name) $("project-title").textContent = state.name;
    if (state.prompt) $("project-prompt").textContent = state.prompt;
    // The conversation as it stands; the stream's replay and live events keep it current.
    conversation.fromState(state);
  } catch (error) {
    if (mine.closed) return;
    $("project").hidden = true;
    if (error.status === 404 || error.status === 422) {
      showNotice("There is no project at this address. Start a new one, or pick one from the list.");
    } else {
      reportError(error, () => openProject(projectId));
    }
    return;
  }
  mine.start();
}

function closeProject() {
  if (session) session.close();
  session = null;
  $("project").hidden = true;
  preview.reset(null);
  expoGo.reset(null);
  timeline.reset();
  conversation.reset(null);
  projects.select(null);
}

// ---- starting a project ----------------------------------------------------------------------

async function generate(prompt, key = newKey()) {
  clearNotice();
  $("go").disabled = true;
  $("go").textContent = "Starting…";
  try {
    // The key makes "try again" safe: a request that did arrive is not started a second time.
    const project = await api("/projects", { method: "POST", body: { prompt }, headers: { "Idempotency-Key": key } });
    await openProject(project.project_id);
    projects.refresh();
  } catch (error) {
    reportError(error, error.retryable ? () => generate(prompt, key) : null);
    $("prompt").focus();
  } finally {
    $("go").disabled = false;
    $("go").textContent = "Generate";
  }
}

let signedIn = false;

function route() {
  if (!signedIn) return; // the address is kept: after the sign-in it opens
  const match = ROUTE.exec(location.hash);
  const projectId = match ? decodeURIComponent(match[1]) : null;
  if (projectId === null) {
    if (session) closeProject();
    return;
  }
  if (!session || session.projectId !== projectId) openProject(projectId);
}

function wire() {
  $("generate").addEventListener("submit", (submit) => {
    submit.preventDefault();
    const prompt = $("prompt").value;
    if (prompt.trim().length < 3) {
      showNotice("Describe your app in a few words first (at least 3 characters).");
      $("prompt").focus();
      return;
    }
    generate(prompt);
  });
  $("prompt").addEventListener("keydown", (key) => {
    if (key.key === "Enter" && (key.ctrlKey || key.metaKey)) {
      key.preventDefault();
      $("generate").requestSubmit();
    }
  });
  for (const chip of document.querySelectorAll(".chip")) {
    chip.addEventListener("click", () => {
      $("prompt").value = chip.dataset.prompt;
      $("prompt").focus();
    });
  }
  $("retry").addEventListener("click", () => {
    const action = retryAction;
    clearNotice();
    if (action) action();
  });
  $("dismiss").addEventListener("click", clearNotice);
  $("reconnect").addEventListener("click", () => session && session.stream && session.stream.retry());
  window.addEventListener("hashchange", route);
  // `?project=<id>` (a link from elsewhere) becomes the page's own form of the address.
  const asked = new URLSearchParams(location.search).get("project");
  if (asked) history.replaceState(null, "", `${location.pathname}#/p/${encodeURIComponent(asked)}`);
  // The projects load once the page knows it may ask for them: at once with the local key's
  // session, after the sign-in elsewhere.
  new SignIn({
    section: $("signin"),
    form: $("signin-form"),
    input: $("signin-key"),
    error: $("signin-error"),
    button: $("signin-go"),
    account: $("account"),
    accountText: $("account-text"),
    signOutButton: $("sign-out"),
    next: $("prompt"),
    onSignedIn: () => {
      signedIn = true;
      projects.refresh();
      route();
    },
    onSignedOut: ({ chosen }) => {
      signedIn = false;
      clearNotice();
      closeProject();
      // Nothing of the previous key's stays on the page, nor (after Sign out) in its address;
      // a sign-in that ended by itself keeps the address, to reopen it after signing in again.
      if (chosen) history.replaceState(null, "", location.pathname);
      $("projects").replaceChildren();
      $("projects-empty").textContent = "Loading…";
      $("projects-empty").hidden = false;
      $("more").hidden = true;
      $("prompt").value = "";
    },
  });
}

wire();
