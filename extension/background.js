// Doppel's service worker: keeps the browser's proxy routing in line with the backend's switch,
// and counts what Doppel protected per tab (counts and categories, never values) for the badge
// and the popup. The counts come from the control server's event list, not from anything the
// chat site's own page could read (a response header would tell the provider that, and what
// kind of, values were replaced): each event names the request it counts by a hash of its
// method and URL, and chrome.webRequest tells which tab sent that request.
//
// Routing: a PAC script (from the control server's /api/pac) sends only the enabled chat hosts to
// Doppel; everything else goes DIRECT. Off: the proxy setting is removed. Backend down: the PAC
// stays (it is "mandatory": no silent DIRECT fallback), so chat sites fail to load rather than
// leave unprotected, and the popup says so.

import { ApiError, BackendDown, NotPaired, api, getPairing } from "./api.js";

const SYNC_ALARM = "doppel-sync";
const BADGE_COLORS = { count: "#0f766e", blocked: "#b91c1c", down: "#b91c1c", off: "#6b7280" };

// --- per-tab counts --------------------------------------------------------------------------
let tabs = null;            // tabId -> {replaced, blocked, requests, categories}
let saving = Promise.resolve();

async function loadTabs() {
  if (tabs === null) {
    const stored = await chrome.storage.session.get("tabs");
    tabs = stored.tabs || {};
  }
  return tabs;
}

function persistTabs() {
  saving = saving.then(() => chrome.storage.session.set({ tabs })).catch(() => {});
  return saving;
}

function badgeText(entry) {
  if (!entry) return "";
  if (entry.replaced > 0) return entry.replaced > 999 ? "999+" : String(entry.replaced);
  return entry.blocked > 0 ? "!" : "";
}

async function showTabBadge(tabId) {
  const entry = (await loadTabs())[tabId];
  const text = badgeText(entry);
  if (!text) return;
  await chrome.action.setBadgeText({ tabId, text });
  await chrome.action.setBadgeBackgroundColor({
    tabId, color: entry.replaced > 0 ? BADGE_COLORS.count : BADGE_COLORS.blocked });
}

// --- pairing Doppel's events with the tabs that sent the requests -------------------------------
// The chat hosts (the manifest's https host permissions) and the requests that can carry text.
const CHAT_URLS = chrome.runtime.getManifest().host_permissions.filter((u) => u.startsWith("https://"));
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
  entry.replaced += event.replaced;
  for (const [cat, n] of Object.entries(event.categories || {})) {
    entry.categories[cat] = (entry.categories[cat] || 0) + n;
  }
}

// Fetch the events since the last look and give each to the tab whose request it names.
async function pairEvents() {
  const { lastEventId = 0 } = await chrome.storage.session.get("lastEventId");
  let page;
  try {
    page = await api(`/api/events?after=${lastEventId}&limit=500`);
  } catch (e) {
    return;  // not paired or Doppel down: nothing to count
  }
  await chrome.storage.session.set({ lastEventId: page.last_id });
  unpaired.push(...page.events.filter((e) => e.request && e.outcome !== "passed_unprotected"));
  const all = await loadTabs();
  const touched = new Set();
  for (const req of pending) {
    const i = unpaired.findIndex((e) => e.request === req.key
      && e.time * 1000 >= req.start - SLACK_MS && e.time * 1000 <= req.end + SLACK_MS);
    if (i < 0) continue;
    const [event] = unpaired.splice(i, 1);
    count(all[req.tabId] ||= { replaced: 0, blocked: 0, requests: 0, categories: {} }, event);
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
  await chrome.action.setBadgeText({ tabId, text: "" }).catch(() => {});
}

// Listeners are registered at the top level so the worker wakes up for them.
chrome.webRequest.onBeforeRequest.addListener(
  (details) => { starts.set(details.requestId, details.timeStamp); }, { urls: CHAT_URLS });
chrome.webRequest.onCompleted.addListener((details) => { onRequestDone(details); }, { urls: CHAT_URLS });
chrome.webRequest.onErrorOccurred.addListener((details) => { onRequestDone(details); }, { urls: CHAT_URLS });
chrome.webRequest.onBeforeRequest.addListener(
  (details) => { if (details.type === "main_frame" && details.tabId >= 0) resetTab(details.tabId); },
  { urls: ["<all_urls>"], types: ["main_frame"] });
chrome.tabs.onRemoved.addListener((tabId) => { resetTab(tabId); });

// --- backend state and routing ------------------------------------------------------------------
async function setRouting(status) {
  if (status.enabled) {
    const pac = await api("/api/pac", { text: true });
    await chrome.proxy.settings.set({
      value: { mode: "pac_script", pacScript: { data: pac, mandatory: true } }, scope: "regular" });
    return "pac";
  }
  await chrome.proxy.settings.clear({ scope: "regular" });
  return "direct";
}

async function setGlobalBadge(view) {
  const text = { down: "!", error: "!", off: "off" }[view.badge] || "";
  await chrome.action.setBadgeText({ text });
  if (text) await chrome.action.setBadgeBackgroundColor({ color: BADGE_COLORS[view.badge === "off" ? "off" : "down"] });
}

// Ask the backend how things stand, apply the routing, and return what the popup shows.
async function sync() {
  let view;
  try {
    const status = await api("/api/status");
    const routing = await setRouting(status);
    view = { backend: status.state, status, routing,
             badge: !status.enabled ? "off" : status.state === "error" ? "error" : "" };
  } catch (e) {
    if (e instanceof NotPaired) {
      await chrome.proxy.settings.clear({ scope: "regular" });
      view = { backend: "unpaired", routing: "direct", badge: "" };
    } else if (e instanceof BackendDown) {
      // Keep the routing as it is: chat hosts stay pointed at Doppel, so nothing leaves
      // unprotected while it is down (the popup explains this).
      const { proxy } = await chrome.storage.session.get("proxy");
      view = { backend: "down", routing: proxy || "unknown", badge: "down" };
    } else if (e instanceof ApiError && e.status === 401) {
      view = { backend: "unauthorized", badge: "error", error: e.message };
    } else {
      view = { backend: "error", badge: "error", error: String(e.message || e) };
    }
  }
  if (view.routing === "pac" || view.routing === "direct") {
    await chrome.storage.session.set({ proxy: view.routing });
  }
  view.pairing = Boolean(await getPairing());
  view.checkedAt = Date.now();
  await chrome.storage.session.set({ view });
  await setGlobalBadge(view);
  return view;
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
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

chrome.alarms.onAlarm.addListener((alarm) => { if (alarm.name === SYNC_ALARM) sync(); });
chrome.runtime.onInstalled.addListener(() => {
  chrome.alarms.create(SYNC_ALARM, { periodInMinutes: 0.5 });
  sync();
});
chrome.runtime.onStartup.addListener(() => {
  chrome.alarms.create(SYNC_ALARM, { periodInMinutes: 0.5 });
  sync();
});
