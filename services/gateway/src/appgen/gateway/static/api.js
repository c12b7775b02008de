// Every HTTP and WebSocket call the page makes goes through this module, so where the gateway is
// and how a request authenticates (a bearer token, later) are decided in exactly one place.

const BASE = "/api/v1";

// The page never holds a long-lived key. On this machine the gateway gives it a short-lived
// token for the local key (GET /api/v1/session, docs/security.md). The token lives in this
// module's memory only (no storage or cookie a preview on the same origin could read) and is
// renewed a minute before it expires.
let session = null; // { token, expiresAt (ms) }
let pending = null;
let renewal = null;

function fetchSession() {
  pending ??= fetch(BASE + "/session", { headers: { Accept: "application/json" } })
    .then(async (response) => {
      if (!response.ok) return null; // not the local page: requests get a 401 that says why
      const body = await response.json();
      if (!body.token) return null; // authentication is off
      session = { token: body.token, expiresAt: Date.parse(body.expires_at) };
      clearTimeout(renewal);
      renewal = setTimeout(fetchSession, Math.max(5_000, session.expiresAt - Date.now() - 60_000));
      return session.token;
    })
    .catch(() => null)
    .finally(() => {
      pending = null;
    });
  return pending;
}

async function token() {
  if (session && session.expiresAt - Date.now() > 30_000) return session.token;
  return fetchSession();
}

/** Headers every request carries: the bearer token, when the page has one. */
async function authHeaders() {
  const current = await token();
  return current ? { Authorization: `Bearer ${current}` } : {};
}

// Sockets cannot send headers: start fetching now, so the first socket has a token in its URL.
fetchSession();

/** Wait until the page has its token (or knows it gets none); sockets need it in their URL. */
export async function ready() {
  await token();
}

/** A request that failed, with a message a person can act on. */
export class ApiError extends Error {
  constructor(message, { status = 0, retryable = false } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.retryable = retryable;
  }
}

/**
 * Call the gateway's API at `path` (below /api/v1).
 * `as` picks what comes back: "json" (default), "blob" or "response".
 */
export async function api(path, { method = "GET", body, headers = {}, as = "json", signal } = {}) {
  const sent = { ...(await authHeaders()), ...headers };
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(
      "Can't reach the appgen server. Check that it is running and try again.",
      { retryable: true },
    );
  }
  if (!response.ok) throw await problem(response);
  if (as === "response") return response;
  if (as === "blob") return response.blob();
  return response.status === 204 ? null : response.json();
}

/** The ws:// (or wss://) URL of an API socket at `path`, with query parameters. */
export function socketUrl(path, params = {}) {
  const url = new URL(BASE + path, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  // A short-lived token, never a key: socket URLs end up in logs.
  if (session) url.searchParams.set("access_token", session.token);
  return url.href;
}

// The gateway answers errors as problem+json (RFC 9457); turn one into a sentence.
async function problem(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const detail = typeof body.detail === "string" ? body.detail : "";
  const status = response.status;
  if (status === 422) {
    const reasons = Array.isArray(body.errors)
      ? body.errors.map((e) => String(e.msg || e.message || "").replace(/^Value error, /, ""))
      : [];
    const why = reasons.filter(Boolean).join("; ") || detail || "it is not valid";
    const aboutPrompt = (body.errors || []).some((e) => (e.loc || []).includes("prompt"));
    const what = aboutPrompt ? "That prompt can't be used" : "That request was refused";
    return new ApiError(`${what}: ${why}.`, { status });
  }
  if (status === 404) return new ApiError(detail || "Not found.", { status });
  if (status === 413) return new ApiError("That prompt is too long.", { status });
  if (status === 401 || status === 403) {
    return new ApiError(`Not allowed: ${detail || body.title || "sign in first"}.`, { status });
  }
  if (status === 429) {
    return new ApiError("Too many requests right now. Wait a moment and try again.", {
      status,
      retryable: true,
    });
  }
  if (status >= 500) {
    const what = detail || body.title || `error ${status}`;
    return new ApiError(`The appgen server had a problem (${what}). Try again in a moment.`, {
      status,
      retryable: true,
    });
  }
  return new ApiError(detail || body.title || `Request failed (${status}).`, { status });
}
