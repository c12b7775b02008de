// Every HTTP and WebSocket call the page makes goes through this module, so where the gateway is
// and how a request authenticates (a short-lived bearer token) are decided in exactly one place.

const BASE = "/api/v1";

// How the page authenticates (docs/security.md, "The page's sign-in"). Requests carry only a
// short-lived token (`Authorization: Bearer`, or `?access_token=` on a socket URL, which cannot
// carry a header):
// - on this machine the gateway gives the page a token of the local key (GET /session);
// - elsewhere a person signs in with an API key: it is traded once (POST /tokens) for a token and
//   then dropped. The token is renewed by trading it for a new one (POST /tokens with the token as
//   bearer) before it expires, so the key is never needed again.
const STORED = "appgen.signin";
const MARGIN_MS = 5_000; // a token this close to its expiry is renewed before it is sent
const RETRY_MS = 15_000; // a renewal that could not reach the server is tried again after this
const EXPIRED = "Your sign-in expired. Sign in again with your API key.";
const ENDED =
  "Your sign-in has ended: the key was revoked, or the sign-in expired while this page was " +
  "asleep. Sign in again with a valid API key.";

// { token, expiresAt (ms, this clock), lifetime (ms), keyId, via: "local" | "key" }
let session = null;
// What the page shows: "checking", "signed-in", "signed-out" (the form), "open" (authentication
// is off) or "unreachable" (no answer yet: requests say so, and ask again).
let auth = { status: "checking" };
const listeners = new Set();
let establishing = null;
let renewing = null;
let renewal = null;

// A key's token is also kept in sessionStorage, so a reload within its lifetime stays signed in.
// That storage belongs to this origin, which previews share; it is acceptable because no preview
// the page shows or opens can read it:
// - the page frames previews sandboxed without allow-same-origin (index.html, #frame), so they run
//   in an opaque origin, where touching sessionStorage throws a SecurityError;
// - "Open the preview in a new tab" is rel="noopener", and a window opened that way starts with an
//   empty sessionStorage (the HTML standard; Chromium since 89), as does every other tab.
// What remains: a preview URL loaded into this very tab could read the token until it expires
// (minutes). That is why only the short-lived token is stored, never the key; the local key's
// token is not stored at all (the page simply asks again).
function remember(current) {
  const { token, expiresAt, lifetime, keyId } = current;
  try {
    sessionStorage.setItem(STORED, JSON.stringify({ token, expiresAt, lifetime, keyId }));
  } catch {
    // Storage disabled: a reload asks for the key again.
  }
}

function recalled() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORED) ?? "null");
    if (typeof stored?.token !== "string" || typeof stored.expiresAt !== "number") return null;
    return { ...stored, lifetime: Number(stored.lifetime) || 0, via: "key" };
  } catch {
    return null;
  }
}

function forget() {
  try {
    sessionStorage.removeItem(STORED);
  } catch {
    // Nothing was stored.
  }
}

/** The session a token response describes, or null when authentication is off. */
async function sessionFrom(response, via) {
  const body = await response.json();
  if (!body.token) return null;
  // The lifetime is measured on the server's clock and the expiry set on this one, so a phone
  // whose clock is minutes off still renews in time.
  const serverNow = Date.parse(response.headers.get("Date") ?? "");
  const lifetime = Math.max(
    0,
    Date.parse(body.expires_at) - (Number.isNaN(serverNow) ? Date.now() : serverNow),
  );
  return { token: body.token, expiresAt: Date.now() + lifetime, lifetime, keyId: body.key_id, via };
}

function announce(next) {
  const changed =
    next.status !== auth.status ||
    next.via !== auth.via ||
    next.keyId !== auth.keyId ||
    Boolean(next.message);
  auth = next;
  if (changed) for (const listener of listeners) listener(auth);
}

function adopt(next) {
  session = next;
  if (next.via === "key") remember(next);
  clearTimeout(renewal);
  // Renew well before the end: timers in a background tab may run up to a minute late.
  const lead = Math.min(120_000, next.lifetime / 3);
  renewal = setTimeout(renew, Math.max(1_000, next.expiresAt - lead - Date.now()));
  announce({ status: "signed-in", via: next.via, keyId: next.keyId });
}

function drop() {
  session = null;
  clearTimeout(renewal);
  forget();
}

const ask = (path, init = {}) =>
  fetch(BASE + path, { ...init, headers: { Accept: "application/json", ...init.headers } });

/** Find a token: this tab's sign-in, else the local key's; else the page needs a sign-in. */
function establish(lost = null) {
  establishing ??= (async () => {
    const stored = recalled();
    if (stored && stored.expiresAt - Date.now() > MARGIN_MS) {
      adopt(stored);
      return;
    }
    forget();
    let response;
    try {
      response = await ask("/session");
    } catch {
      announce({ status: "unreachable" });
      return;
    }
    if (response.ok) {
      const local = await sessionFrom(response, "local");
      if (local) adopt(local);
      else announce({ status: "open" });
      return;
    }
    if (response.status >= 500) {
      announce({ status: "unreachable" });
      return;
    }
    // 403: not the local page (or no local key): a person signs in with a key.
    announce({ status: "signed-out", message: lost ?? (stored ? EXPIRED : null) });
  })().finally(() => {
    establishing = null;
  });
  return establishing;
}

/** Trade the current token for a fresh one (the local key's: ask for the session again). */
function renew() {
  renewing ??= (async () => {
    const current = session;
    if (!current) return;
    const retryLater = () => {
      clearTimeout(renewal);
      renewal = setTimeout(renew, RETRY_MS);
    };
    let response;
    try {
      response =
        current.via === "local"
          ? await ask("/session")
          : await ask("/tokens", {
              method: "POST",
              headers: { Authorization: `Bearer ${current.token}` },
            });
    } catch {
      // Unreachable: the token stays in use while it lasts.
      if (session === current) retryLater();
      return;
    }
    if (session !== current) return; // signed out, or in again, meanwhile
    if (response.ok) {
      const next = await sessionFrom(response, current.via);
      if (next && session === current) adopt(next);
      return;
    }
    if (response.status === 401 || response.status === 403) {
      drop();
      await establish(ENDED);
      return;
    }
    retryLater();
  })().finally(() => {
    renewing = null;
  });
  return renewing;
}

async function token() {
  if (session && session.expiresAt - Date.now() > MARGIN_MS) return session.token;
  if (session) await renew();
  else if (auth.status !== "open" && auth.status !== "signed-out") await establish();
  return session ? session.token : null;
}

/**
 * The server refused the token `sent` (a 401), or a socket's token (`sent` left out): find
 * another token if the page can, else show the sign-in. Resolves to whether a different token
 * is now in use, so the refused call is worth making again.
 */
export async function refused(sent) {
  if (sent === undefined && session) {
    // Which token the socket's URL carried is not known here; renewing checks the current one.
    const before = session;
    await renew();
    return session !== null && session !== before;
  }
  if (sent && session?.token === sent) {
    drop();
    await establish(ENDED);
  } else if (establishing) {
    await establishing;
  } else if (!sent && auth.status !== "signed-out") {
    await establish();
  }
  return session !== null && session.token !== sent;
}

// Sockets cannot send headers: start now, so the first socket has a token for its URL.
establish();

/** Wait until the page knows how it authenticates; resolves to that state. */
export async function ready() {
  await token();
  return auth;
}

/**
 * Call `listener(state)` whenever the way the page authenticates changes, and now if it is
 * known. `state.status` is "signed-in" (with `via` "local" or "key" and `keyId`), "signed-out"
 * (with a `message` when a sign-in ended), "open" or "unreachable". Returns an unsubscribe.
 */
export function onAuthChange(listener) {
  listeners.add(listener);
  if (auth.status !== "checking") listener(auth);
  return () => listeners.delete(listener);
}

/**
 * Sign in with an API key: trade it once for a short-lived token, and keep only the token.
 * Throws an ApiError in words when the key is refused.
 */
export async function signIn(key) {
  const credential = String(key).trim();
  if (!credential) throw new ApiError("Paste your API key first.");
  if (!/^[\x21-\x7e]+$/.test(credential)) {
    throw new ApiError(
      "That is not an API key: a key is one word of letters, digits, _ and -, " +
        "starting with appgen_.",
    );
  }
  let response;
  try {
    response = await ask("/tokens", {
      method: "POST",
      headers: { Authorization: `Bearer ${credential}` },
    });
  } catch {
    throw new ApiError("Can't reach the appgen server. Check that it is running and try again.", {
      retryable: true,
    });
  }
  if (response.status === 401) {
    throw new ApiError(
      "That key was not accepted: it is unknown or has been revoked. Check that you pasted all " +
        "of it, or ask for a new one.",
      { status: 401 },
    );
  }
  if (response.status === 409) {
    // Authentication is off: there is nothing to sign in to.
    drop();
    announce({ status: "open" });
    return auth;
  }
  if (!response.ok) throw await problem(response);
  const next = await sessionFrom(response, "key");
  drop();
  adopt(next);
  return auth;
}

/** Forget this tab's token. On this machine the local key's token takes over; elsewhere the
 * sign-in form returns. (A token is not revocable by itself: it lapses within its lifetime.) */
export async function signOut() {
  drop();
  await establish();
  return auth;
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
export async function api(path, options = {}) {
  let { response, sent } = await send(path, options);
  // A refused token (expired, or its key revoked): once more with a new one, if the page gets
  // one; a request refused for its token did nothing, so sending it again is safe.
  if (response.status === 401 && (await refused(sent))) ({ response } = await send(path, options));
  if (!response.ok) throw await problem(response);
  const { as = "json" } = options;
  if (as === "response") return response;
  if (as === "blob") return response.blob();
  return response.status === 204 ? null : response.json();
}

async function send(path, { method = "GET", body, headers = {}, signal }) {
  const sent = await token();
  const all = { ...(sent ? { Authorization: `Bearer ${sent}` } : {}), ...headers };
  if (body !== undefined) all["Content-Type"] = "application/json";
  try {
    const response = await fetch(BASE + path, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    return { response, sent };
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(
      "Can't reach the appgen server. Check that it is running and try again.",
      { retryable: true },
    );
  }
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
