// Doppel's background script (Chromium: a service worker; Firefox: an event page): keeps the
// browser's proxy routing in line with the backend's switch, counts what Doppel protected per tab
// (counts and categories, never values) for the badge and the popup, and adds the "Always / Never
// protect in Doppel" context menu. The counts come from the control server's event list, not from
// anything the chat site's own page could read (a response header would tell the provider that,
// and what kind of, values were replaced): each event names the request it counts by a hash of
// its method and URL, and webRequest tells which tab sent that request.
//
// Routing: only the enabled chat hosts go to Doppel; everything else goes DIRECT.
//   Chromium: a PAC script from the control server's /api/pac (chrome.proxy.settings).
//   Firefox: browser.proxy.onRequest answers per request from the same host list (Firefox lets
//   only extensions allowed in private windows set proxy.settings; onRequest needs no more than
//   the chat hosts' permissions, which the manifest asks for).
// Off: no routing. Backend down: the routing stays (Chromium's PAC is "mandatory", Firefox's
// answer names only Doppel), so chat sites fail to load rather than leave unprotected, and the
// popup says so. Shadow mode: routed as usual, but Doppel sends everything unchanged; the badge
// and popup say so loudly.

import { ApiError, BackendDown, NotPaired, api, ext, getPairing } from "./api.js";

const SYNC_ALARM = "doppel-sync";
const BADGE_COLORS = { count: "#0f766e", blocked: "#b91c1c", down: "#b91c1c", off: "#6b7280",
                       shadow: "#c2410c" };
const SHADOW_BADGE = "SHDW";

// --- per-tab counts --------------------------------------------------------------------------
let tabs = null;  // tabId -> {replaced, blocked, shadowRequests, shadow, requests, categories}
let saving = Promise.resolve();

async function loadTabs() {
  if (tabs === null) {
    const stored = await ext.storage.session.get("tabs");
    tabs = stored.tabs || {};
  }
  return tabs;
}

function persistTabs() {
  saving = saving.then(() => ext.storage.session.set({ tabs })).catch(() => {});
  return saving;
}

function badgeOf(entry) {
  if (!entry) return null;
  if (entry.replaced > 0) return { text: entry.replaced > 999 ? "999+" : String(entry.replaced), color: BADGE_COLORS.count };
  if (entry.shadowRequests > 0) return { text: SHADOW_BADGE, color: BADGE_COLORS.shadow };
  return entry.blocked > 0 ? { text: "!", color: BADGE_COLORS.blocked } : null;
}

async function showTabBadge(tabId) {
  const badge = badgeOf((await loadTabs())[tabId]);
  if (!badge) return;
  await ext.action.setBadgeText({ tabId, text: badge.text });
  await ext.action.setBadgeBackgroundColor({ tabId, color: badge.color });
}

// --- pairing Doppel's events with the tabs that sent the requests -------------------------------
// The chat hosts: the manifest's https host permissions (one list, kept in step with the proxy's
// adapters by tests/extension/test_manifest_hosts.py).
const CHAT_URLS = ext.runtime.getManifest().host_permissions.filter((u) => u.startsWith("https://"));
const KEEP_MS = 60_000;     // a request and its event meet within a minute, or not at all
const SLACK_MS = 2_000;     // clocks: the event is stamped while the request is in flight
const starts = new Map();   // requestId -> when the request began (ms)
let pending = [];           // requests done: {tabId, key, start, end}
let unpaired = [];          // events fetched that no request claimed yet
let pairing = Promise.resolve();

// The same digest proxy/mitm/addon.py's request_digest writes into each event.
async function requestKey(method, url) {
  const bytes = new TextEncoder().encode(`${method} ${url}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, 32);
}

async function onRequestDone(details) {
  const start = starts.get(details.requestId) ?? details.timeStamp;
  starts.delete(details.requestId);
  if (details.tabId < 0 || details.method === "GET") return;
  pending.push({ tabId: details.tabId, key: await requestKey(details.method, details.url),
                 start, end: details.timeStamp });
  pairing = pairing.then(pairEvents).catch(() => {});
  await pairing;
}

function count(entry, event) {
  entry.requests += 1;
  if (event.outcome === "blocked") entry.blocked += 1;
  if (event.outcome === "shadow") {  // shadow mode: sent unchanged; this many would have been replaced
    entry.shadowRequests = (entry.shadowRequests || 0) + 1;
    entry.shadow = (entry.shadow || 0) + event.replaced;
  } else {
    entry.replaced += event.replaced;
  }
  for (const [cat, n] of Object.entries(event.categories || {})) {
    entry.categories[cat] = (entry.categories[cat] || 0) + n;
  }
}

// Fetch the events since the last look and give each to the tab whose request it names.
async function pairEvents() {
  const { lastEventId = 0 } = await ext.storage.session.get("lastEventId");
  let page;
  try {
    page = await api(`/api/events?after=${lastEventId}&limit=500`);
  } catch (e) {
    return;  // not paired or Doppel down: nothing to count
  }
  await ext.storage.session.set({ lastEventId: page.last_id });
  unpaired.push(...page.events.filter((e) => e.request && e.outcome !== "passed_unprotected"));
  const all = await loadTabs();
  const touched = new Set();
  for (const req of pending) {
    const i = unpaired.findIndex((e) => e.request === req.key
      && e.time * 1000 >= req.start - SLACK_MS && e.time * 1000 <= req.end + SLACK_MS);
    if (i < 0) continue;
    const [event] = unpaired.splice(i, 1);
    count(all[req.tabId] ||= { replaced: 0, blocked: 0, shadowRequests: 0, shadow: 0, requests: 0,
                                categories: {} }, event);
    req.paired = true;
    touched.add(req.tabId);
  }
  const now = Date.now();
  pending = pending.filter((r) => !r.paired && now - r.end < KEEP_MS);
  unpaired = unpaired.filter((e) => now - e.time * 1000 < KEEP_MS);
  if (touched.size) {
    await persistTabs();
    for (const tabId of touched) await showTabBadge(tabId);
  }
}

async function resetTab(tabId) {
  const all = await loadTabs();
  if (all[tabId]) {
    delete all[tabId];
    await persistTabs();
  }
  await ext.action.setBadgeText({ tabId, text: "" }).catch(() => {});
}

// --- routing ------------------------------------------------------------------------------------
// Firefox answers each request from this: {hosts: [...], proxy: {type, host, port}} or null
// (direct). Kept in storage.local so a restarted browser stays routed while Doppel is down.
const usesOnRequest = Boolean(ext.proxy && ext.proxy.onRequest);
let route;  // undefined: not loaded yet

async function currentRoute() {
  if (route === undefined) route = (await ext.storage.local.get("route")).route || null;
  return route;
}

async function setRoute(value) {
  route = value;
  await ext.storage.local.set({ route: value });
}

if (usesOnRequest) {
  ext.proxy.onRequest.addListener(async (details) => {
    const r = await currentRoute();
    let host = "";
    try { host = new URL(details.url).hostname.toLowerCase(); } catch (e) { /* no host */ }
    return r && r.hosts.includes(host) ? r.proxy : { type: "direct" };
  }, { urls: ["<all_urls>"] });
}

async function setRouting(status) {
  if (usesOnRequest) {
    if (!status.enabled) {
      await setRoute(null);
      return "direct";
    }
    const proxyHost = ["0.0.0.0", "::", ""].includes(status.proxy.host) ? "127.0.0.1" : status.proxy.host;
    await setRoute({ hosts: status.sites.filter((s) => s.enabled).map((s) => s.host),
                     proxy: { type: "http", host: proxyHost, port: status.proxy.port } });
    return "pac";
  }
  if (status.enabled) {
    const pac = await api("/api/pac", { text: true });
    await ext.proxy.settings.set({
      value: { mode: "pac_script", pacScript: { data: pac, mandatory: true } }, scope: "regular" });
    return "pac";
  }
  await ext.proxy.settings.clear({ scope: "regular" });
  return "direct";
}

async function clearRouting() {
  if (usesOnRequest) await setRoute(null);
  else await ext.proxy.settings.clear({ scope: "regular" });
}

// --- backend state ------------------------------------------------------------------------------
async function setGlobalBadge(view) {
  const text = { down: "!", error: "!", off: "off", shadow: SHADOW_BADGE }[view.badge] || "";
  await ext.action.setBadgeText({ text });
  if (text) {
    const color = view.badge === "off" ? BADGE_COLORS.off : view.badge === "shadow" ? BADGE_COLORS.shadow : BADGE_COLORS.down;
    await ext.action.setBadgeBackgroundColor({ color });
  }
}

function badgeFor(status) {
  if (!status.enabled) return "off";
  if (status.state === "error") return "error";
  return status.shadow ? "shadow" : "";
}

// Ask the backend how things stand, apply the routing, and return what the popup shows.
async function sync() {
  let view;
  try {
    const status = await api("/api/status");
    const routing = await setRouting(status);
    view = { backend: status.state, status, routing, badge: badgeFor(status) };
  } catch (e) {
    if (e instanceof NotPaired) {
      await clearRouting();
      view = { backend: "unpaired", routing: "direct", badge: "" };
    } else if (e instanceof BackendDown) {
      // Keep the routing as it is: chat hosts stay pointed at Doppel, so nothing leaves
      // unprotected while it is down (the popup explains this).
      const { proxy } = await ext.storage.session.get("proxy");
      view = { backend: "down", routing: proxy || "unknown", badge: "down" };
    } else if (e instanceof ApiError && e.status === 401) {
      view = { backend: "unauthorized", badge: "error", error: e.message };
    } else {
      view = { backend: "error", badge: "error", error: String(e.message || e) };
    }
  }
  if (view.routing === "pac" || view.routing === "direct") {
    await ext.storage.session.set({ proxy: view.routing });
  }
  view.pairing = Boolean(await getPairing());
  view.checkedAt = Date.now();
  const { termNote } = await ext.storage.session.get("termNote");
  view.termNote = termNote || null;
  await ext.storage.session.set({ view });
  await setGlobalBadge(view);
  return view;
}

// --- "Always / Never protect in Doppel" on selected text ------------------------------------------
const MENU_KINDS = { "doppel-always": "always", "doppel-never": "never" };
const MENU_TITLES = { "doppel-always": "Always protect in Doppel", "doppel-never": "Never protect in Doppel" };

async function createMenus() {
  await ext.contextMenus.removeAll();
  for (const [id, title] of Object.entries(MENU_TITLES)) {
    ext.contextMenus.create({ id, title, contexts: ["selection"], documentUrlPatterns: CHAT_URLS });
  }
}

// The term goes only to the local control server. The popup then says what happened (never
// the term itself: it is private, and the popup may be shown to others).
async function onMenuClicked(info) {
  const kind = MENU_KINDS[info.menuItemId];
  const term = (info.selectionText || "").trim();
  if (!kind || !term) return null;
  let note;
  try {
    const added = await api("/api/terms", { method: "POST", body: { term, kind } });
    note = { ok: true, kind: added.kind, counts: added.counts, at: Date.now() };
  } catch (e) {
    note = { ok: false, kind, error: String(e.message || e), at: Date.now() };
  }
  await ext.storage.session.set({ termNote: note });
  return note;
}

// A headless browser cannot open a native context menu: automation calls the very handler the
// menu calls, from the background page (tests/extension/).
globalThis.doppel = { onMenuClicked, menuIds: Object.keys(MENU_TITLES) };

// --- listeners (at the top level, so the background wakes up for them) ----------------------------
ext.webRequest.onBeforeRequest.addListener(
  (details) => { starts.set(details.requestId, details.timeStamp); }, { urls: CHAT_URLS });
ext.webRequest.onCompleted.addListener((details) => { onRequestDone(details); }, { urls: CHAT_URLS });
ext.webRequest.onErrorOccurred.addListener((details) => { onRequestDone(details); }, { urls: CHAT_URLS });
ext.webRequest.onBeforeRequest.addListener(
  (details) => { if (details.type === "main_frame" && details.tabId >= 0) resetTab(details.tabId); },
  { urls: ["<all_urls>"], types: ["main_frame"] });
ext.tabs.onRemoved.addListener((tabId) => { resetTab(tabId); });
ext.contextMenus.onClicked.addListener((info) => { onMenuClicked(info); });

ext.runtime.onMessage.addListener((message, sender, reply) => {
  if (message && message.type === "sync") {
    sync().then(reply, (e) => reply({ backend: "error", error: String(e) }));
    return true;  // reply asynchronously
  }
  if (message && message.type === "tab") {
    loadTabs().then((all) => reply(all[message.tabId] || null));
    return true;
  }
  return false;
});

function startUp() {
  ext.alarms.create(SYNC_ALARM, { periodInMinutes: 0.5 });
  createMenus().catch(() => {});
  sync();
}

ext.alarms.onAlarm.addListener((alarm) => { if (alarm.name === SYNC_ALARM) sync(); });
ext.runtime.onInstalled.addListener(startUp);
ext.runtime.onStartup.addListener(startUp);
