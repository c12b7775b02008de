// Expo Go on a phone: start the project's Metro dev server (POST native-preview), follow it until
// it is ready, then show its exp:// address as a QR code labelled "Open in Expo Go (SDK 54)".
import { api } from "./api.js";

const POLL_MS = 1000;
const WORDS = { starting: "Starting the dev server…", stopped: "Stopped.", failed: "Failed: " };

export class ExpoGo {
  constructor({ qr, button, status }) {
    this.qr = qr;
    this.button = button;
    this.status = status;
    this.projectId = null;
    this.qrUrl = null;
    button.addEventListener("click", () => this.start());
  }

  reset(projectId) {
    this.projectId = projectId;
    this.button.disabled = false;
    this.status.textContent = "";
    this.qr.hidden = true;
    if (this.qrUrl) URL.revokeObjectURL(this.qrUrl);
    this.qrUrl = null;
  }

  async start() {
    const projectId = this.projectId;
    if (projectId === null) return;
    this.button.disabled = true;
    const path = `/projects/${encodeURIComponent(projectId)}/native-preview`;
    try {
      await api(path, { method: "POST" });
      for (;;) {
        const state = await api(path);
        if (projectId !== this.projectId) return;
        if (state.status === "ready") return await this.showQr(path, state.expo_url);
        this.status.textContent = WORDS[state.status] + (state.reason || "");
        if (state.status !== "starting") break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    } catch (error) {
      if (projectId === this.projectId) this.status.textContent = error.message;
    }
    if (projectId === this.projectId) this.button.disabled = false;
  }

  async showQr(path, expoUrl) {
    const svg = await api(`${path}/qr`, { as: "blob" });
    if (this.qrUrl) URL.revokeObjectURL(this.qrUrl);
    this.qrUrl = URL.createObjectURL(svg);
    this.qr.src = this.qrUrl;
    this.qr.hidden = false;
    this.status.textContent = expoUrl;
  }
}
