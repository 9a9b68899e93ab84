// Doppel's service worker: keeps the browser's proxy routing in line with the backend's switch,
// and counts what Doppel protected per tab (from the x-doppel-* response headers the proxy adds:
// counts and categories, never values) for the badge and the popup.
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
  if (replaced === undefined && blocked === undefined) return;
  const all = await loadTabs();
  const entry = all[details.tabId] ||= { replaced: 0, blocked: 0, requests: 0, categories: {} };
  entry.requests += 1;
  if (blocked !== undefined) entry.blocked += 1;
  entry.replaced += Number(replaced || 0);
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
  await chrome.action.setBadgeText({ tabId, text: "" }).catch(() => {});
}

// Listeners are registered at the top level so the worker wakes up for them.
chrome.webRequest.onHeadersReceived.addListener(
  (details) => { onHeaders(details); }, { urls: ["<all_urls>"] }, ["responseHeaders"]);
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
