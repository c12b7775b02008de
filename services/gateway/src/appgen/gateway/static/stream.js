// Follows one project's events over the WebSocket. A dropped connection reconnects by itself with
// `since` = the last position seen, so nothing is missed and nothing arrives twice
// (docs/protocol.md, "Cursor rules"). A completed project is still followed: its edits arrive on
// the same socket; a failed one is not (nothing happens to it until it is resumed).
import { socketUrl } from "./api.js";

const POLICY = 1008; // the request itself is wrong: reconnecting cannot help
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

/**
 * Stream the events of `projectId` after `since`.
 * `onEvent(message)` gets each event once, in position order; `onStatus({state, ...})` hears
 * "connecting", "live", "reconnecting" (with `since` and `attempt`), "complete" (the generation
 * finished; the socket stays open for edits), "done" (it failed: the socket closes) and "error".
 * Returns `{ close() }`.
 */
export function follow(projectId, { since = 0, onEvent, onStatus }) {
  let last = since;
  let attempt = 0;
  let socket = null;
  let timer = null;
  let finished = false;
  let everOpened = false;

  const connect = () => {
    onStatus({ state: attempt === 0 ? "connecting" : "reconnecting", since: last, attempt });
    socket = new WebSocket(socketUrl(`/ws/generate/${encodeURIComponent(projectId)}`, { since: last }));
    socket.onopen = () => {
      onStatus({ state: "live", resumed: everOpened, since: last });
      everOpened = true;
      attempt = 0;
    };
    socket.onmessage = (frame) => {
      let message;
      try {
        message = JSON.parse(frame.data);
      } catch {
        return;
      }
      // Pings, pongs and acknowledgements carry no event.
      if (typeof message.position !== "number" || !message.event_id) return;
      if (message.position <= last) return;
      last = message.position;
      onEvent(message);
      if (message.event_type === "ProjectCompleted") {
        onStatus({ state: "complete", since: last });
      } else if (message.event_type === "ProjectFailed") {
        finished = true;
        onStatus({ state: "done", since: last });
        socket.close(1000);
      }
    };
    socket.onclose = (close) => {
      socket = null;
      if (finished) return;
      if (close.code === POLICY) {
        finished = true;
        onStatus({ state: "error", reason: close.reason || "the server refused this project" });
        return;
      }
      attempt += 1;
      const delay = BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)];
      onStatus({ state: "reconnecting", since: last, attempt, delay, reason: close.reason });
      timer = setTimeout(connect, delay);
    };
  };

  connect();
  return {
    get position() {
      return last;
    },
    close() {
      finished = true;
      clearTimeout(timer);
      if (socket) socket.close(1000);
    },
    /** Reconnect now instead of waiting for the back-off (the "retry" button). */
    retry() {
      if (finished || socket) return;
      clearTimeout(timer);
      attempt = Math.max(attempt, 1);
      connect();
    },
  };
}
