// The phone-sized preview: the live app (whose own script reloads it as files land), or the app
// pinned at an earlier position; the link to open it, the QR code for a phone and the zip.
import { api } from "./api.js";

export class Preview {
  constructor({
    frame, empty, link, qr, exportButton, share, onError,
    expoButton = document.getElementById("export-expo"),
  }) {
    this.onError = onError;
    this.frame = frame;
    this.empty = empty;
    this.link = link;
    this.qr = qr;
    this.exportButton = exportButton;
    this.share = share;
    this.projectId = null;
    this.firstPosition = null; // where the app's entry page was first written
    this.showing = null;
    this.qrUrl = null;
    this.livePath = null;
    exportButton.addEventListener("click", () => this.download("web"));
    // The same app as an Expo Router project (SDK 54), rendered from the spec by the gateway.
    this.expoButton = expoButton;
    expoButton?.addEventListener("click", () => this.download("expo"));
  }

  /** Start over for `projectId`, whose live preview is at `previewUrl` (the gateway's link). */
  reset(projectId, previewUrl = null) {
    this.projectId = projectId;
    // The gateway hands out the link (it may carry a signed token); time travel appends `@position/`.
    this.livePath = previewUrl ? new URL(previewUrl, window.location.href).pathname : null;
    this.firstPosition = null;
    this.showing = null;
    this.frame.removeAttribute("src");
    this.frame.hidden = true;
    this.empty.hidden = false;
    this.empty.textContent = "The preview appears here as soon as the base app is ready.";
    this.share.hidden = true;
    if (this.qrUrl) URL.revokeObjectURL(this.qrUrl);
    this.qrUrl = null;
    this.qr.removeAttribute("src");
  }

  /** Note an event; the first that writes the entry page makes the preview available. */
  saw(event) {
    const files = Array.isArray(event.data.files) ? event.data.files : [];
    if (this.firstPosition !== null || !files.includes("index.html")) return false;
    this.firstPosition = event.position;
    this.link.href = this.livePath;
    this.share.hidden = false;
    this.loadQr();
    return true;
  }

  /** Show the live app (`event` null) or the app as it stood at `event`. */
  show(event) {
    if (this.projectId === null || this.livePath === null) return;
    const position = event === null ? null : event.position;
    if (this.firstPosition === null || (position !== null && position < this.firstPosition)) {
      this.showing = null;
      this.frame.removeAttribute("src");
      this.frame.hidden = true;
      this.empty.hidden = false;
      this.empty.textContent =
        position === null
          ? "The preview appears here as soon as the base app is ready."
          : "There was no app yet at this point of the timeline.";
      return;
    }
    const src = position === null ? this.livePath : `${this.livePath}@${position}/`;
    this.empty.hidden = true;
    this.frame.hidden = false;
    if (this.showing === src) return;
    this.showing = src;
    this.frame.dataset.position = position === null ? "live" : String(position);
    this.frame.src = src;
  }

  async loadQr() {
    const projectId = this.projectId;
    try {
      const svg = await api(`/projects/${encodeURIComponent(projectId)}/qr?format=svg`, {
        as: "blob",
      });
      if (projectId !== this.projectId) return;
      this.qrUrl = URL.createObjectURL(svg);
      this.qr.src = this.qrUrl;
    } catch {
      // The link beside it still works; a missing QR code is not worth an error.
      this.qr.alt = "The QR code could not be loaded";
    }
  }

  async download(format = "web") {
    const projectId = this.projectId;
    const button = format === "expo" ? this.expoButton : this.exportButton;
    button.disabled = true;
    try {
      const zip = await api(`/projects/${encodeURIComponent(projectId)}/export?format=${format}`, {
        as: "blob",
      });
      const url = URL.createObjectURL(zip);
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = format === "expo" ? `${projectId}-expo.zip` : `${projectId}.zip`;
      anchor.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.onError(error, () => this.download(format));
    } finally {
      button.disabled = false;
    }
  }
}
