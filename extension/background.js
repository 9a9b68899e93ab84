// Doppel's background script (Chromium: a service worker; Firefox: an event page): keeps the
// browser's proxy routing in line with the backend's switch, counts what Doppel protected per tab
// (from the x-doppel-* response headers the proxy adds: counts and categories, never values) for
// the badge and the popup, and adds the "Always / Never protect in Doppel" context menu.
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

function parseCategories(value) {
  const out = {};
  for (const part of (value || "").split(",")) {
    const [cat, n] = part.split("=");
    if (cat && Number(n) > 0) out[cat.trim()] = Number(n);
  }
  return out;
}

async function onHeaders(details) {
  if (details.tabId < 0) return;
  const headers = {};
  for (const h of details.responseHeaders || []) headers[h.name.toLowerCase()] = h.value;
  const replaced = headers["x-doppel-replaced"];
  const blocked = headers["x-doppel-blocked"];
  const shadow = headers["x-doppel-shadow"];
  if (replaced === undefined && blocked === undefined && shadow === undefined) return;
  const all = await loadTabs();
  const entry = all[details.tabId] ||= { replaced: 0, blocked: 0, shadowRequests: 0, shadow: 0,
                                         requests: 0, categories: {} };
  entry.requests += 1;
  if (blocked !== undefined) entry.blocked += 1;
  entry.replaced += Number(replaced || 0);
  if (shadow !== undefined) {  // shadow mode: sent unchanged; this many would have been replaced
    entry.shadowRequests = (entry.shadowRequests || 0) + 1;
    entry.shadow = (entry.shadow || 0) + (Number(shadow) || 0);
  }
  for (const [cat, n] of Object.entries(parseCategories(headers["x-doppel-categories"]))) {
    entry.categories[cat] = (entry.categories[cat] || 0) + n;
  }
  await persistTabs();
  await showTabBadge(details.tabId);
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

// The chat sites: the manifest's https host permissions (one list, kept in step with the
// proxy's adapters by tests/extension/test_manifest_hosts.py).
function chatPatterns() {
  return ext.runtime.getManifest().host_permissions.filter((p) => p.startsWith("https://"));
}

async function createMenus() {
  await ext.contextMenus.removeAll();
  for (const [id, title] of Object.entries(MENU_TITLES)) {
    ext.contextMenus.create({ id, title, contexts: ["selection"], documentUrlPatterns: chatPatterns() });
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
ext.webRequest.onHeadersReceived.addListener(
  (details) => { onHeaders(details); }, { urls: ["<all_urls>"] }, ["responseHeaders"]);
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
