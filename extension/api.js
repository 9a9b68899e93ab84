// Talking to the local Doppel control server (http://127.0.0.1:<port>), shared by the background
// script and the popup. The pairing (port + token) lives in storage.local; nothing else about
// the user is stored by the extension.

// Firefox names the API `browser`, Chromium `chrome` (Firefox has `chrome` too, as an alias);
// in Manifest V3 both return promises, which is all this extension uses.
export const ext = globalThis.browser ?? globalThis.chrome;

export const DEFAULT_PORT = 8765;
const TIMEOUT_MS = 3000;

export class NotPaired extends Error {}
export class BackendDown extends Error {}
export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export async function getPairing() {
  const { pairing } = await ext.storage.local.get("pairing");
  return pairing && pairing.token ? pairing : null;
}

export async function setPairing(pairing) {
  if (pairing) await ext.storage.local.set({ pairing });
  else await ext.storage.local.remove("pairing");
}

export function baseUrl(port) { return `http://127.0.0.1:${port}`; }

async function send(port, path, { method = "GET", body, token } = {}) {
  const headers = {};
  if (token) headers["X-Doppel-Token"] = token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    return await fetch(baseUrl(port) + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS), cache: "no-store",
    });
  } catch (e) {
    throw new BackendDown(`Doppel is not reachable on 127.0.0.1:${port}`);
  }
}

async function check(resp) {
  if (resp.ok) return resp;
  let message = `HTTP ${resp.status}`;
  try { message = (await resp.json()).error || message; } catch (e) { /* not JSON */ }
  throw new ApiError(resp.status, message);
}

// Authenticated call: JSON in, JSON (or text with {text: true}) out.
export async function api(path, { method = "GET", body, text = false } = {}) {
  const pairing = await getPairing();
  if (!pairing) throw new NotPaired("not paired with Doppel yet");
  const resp = await check(await send(pairing.port, path, { method, body, token: pairing.token }));
  return text ? resp.text() : resp.json();
}

// A pairing code looks like "8765-ABCD-EFGH": the control port, then the one-time code.
export function parseCode(code) {
  const clean = code.replace(/\s+/g, "").toUpperCase();
  const m = /^(\d{2,5})-([A-Z0-9]{4})-([A-Z0-9]{4})$/.exec(clean);
  if (!m) return null;
  return { port: Number(m[1]), code: clean };
}

export async function pairWithCode(rawCode) {
  const parsed = parseCode(rawCode);
  if (!parsed) throw new ApiError(400, "That is not a Doppel pairing code (like 8765-ABCD-EFGH).");
  const resp = await check(await send(parsed.port, "/api/pair",
    { method: "POST", body: { code: parsed.code } }));
  const { token } = await resp.json();
  await setPairing({ port: parsed.port, token });
  return { port: parsed.port };
}

export function hostOf(url) {
  try { return new URL(url).hostname.toLowerCase(); } catch (e) { return ""; }
}
