// Doppel's settings page: plain JS talking to this control server's /api/ with the local token.
// The token comes in the URL fragment (#token=..., from the extension or `doppel pair
// --settings`) or from a pairing code; it is kept in sessionStorage (this tab only) and the
// fragment is removed from the address bar at once.

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "doppel-token";
const POLL_MS = 2000;

const CATEGORY_HELP = {
  EMAIL: "e-mail addresses", PHONE: "phone numbers", CREDIT_CARD: "card numbers (Luhn)",
  BANK_ACCOUNT: "IBANs and account numbers", ID_NUMBER: "SSN, passport, national IDs",
  IP_ADDRESS: "IP addresses", URL: "personal links", USERNAME: "user names and handles",
  SECRET: "API keys, tokens, passwords", PERSON: "people's names", ORG: "employers, schools, clinics",
  LOCATION: "cities, places", ADDRESS: "street addresses", DATE: "birth dates, personal dates",
  HEALTH: "conditions, medication", FINANCE: "income, debts", RELATIONSHIP: "family, partners",
  WORK: "job details", BELIEF_IDENTITY: "religion, politics, sexuality, ethnicity",
  LEGAL: "court cases, records",
};

let token = null;
let lastEventId = 0;
let events = [];

function takeToken() {
  const match = /(?:^|&)token=([^&]+)/.exec(location.hash.slice(1));
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, { method = "GET", body, text = false } = {}) {
  const headers = { "X-Doppel-Token": token || "" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(path, { method, headers, cache: "no-store",
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (!resp.ok) {
    let message = `HTTP ${resp.status}`;
    try { message = (await resp.json()).error || message; } catch (e) { /* not JSON */ }
    if (resp.status === 401) lock("This page's token is no longer valid: unlock it again.");
    throw new HttpError(resp.status, message);
  }
  return text ? resp.text() : resp.json();
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("data-") || k === "role") node.setAttribute(k, v);
    else node[k] = v;
  }
  node.append(...children);
  return node;
}

function flash(id, text) {
  $(id).textContent = text;
  $(id).hidden = false;
  clearTimeout(flash[id]);
  flash[id] = setTimeout(() => { $(id).hidden = true; }, 4000);
}

function pretty(cat) { return cat.replaceAll("_", " ").toLowerCase(); }

// --- lock / unlock ------------------------------------------------------------------------------
function lock(reason) {
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  $("app").hidden = true;
  $("unlock").hidden = false;
  if (reason) { $("unlock-error").textContent = reason; $("unlock-error").hidden = false; }
}

$("unlock-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("unlock-error").hidden = true;
  const code = $("unlock-code").value.replace(/\s+/g, "").toUpperCase();
  const resp = await fetch("/api/pair", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code }) });
  if (!resp.ok) {
    $("unlock-error").textContent = (await resp.json().catch(() => ({}))).error || `HTTP ${resp.status}`;
    $("unlock-error").hidden = false;
    return;
  }
  token = (await resp.json()).token;
  sessionStorage.setItem(TOKEN_KEY, token);
  start();
});

// --- status --------------------------------------------------------------------------------------
const STATE_WORDS = { running: "Running", loading: "Loading model…", error: "Error" };

function renderStatus(status) {
  const state = !status.enabled && status.state === "running" ? "off" : status.state;
  $("state").dataset.state = state;
  $("state").textContent = state === "off" ? "Off" : STATE_WORDS[status.state];
  const s = status.stats;
  $("summary").textContent = `proxy ${status.proxy.host}:${status.proxy.port} · detector ` +
    `${status.detector.mode || "…"} · protected requests: ${s.protected_requests ?? 0}, ` +
    `values replaced: ${s.replaced ?? 0}, blocked: ${s.blocked ?? 0}`;
  const banner = status.state === "error" ? status.error
    : !status.enabled ? "Protection is off: chat sites go direct, unprotected." : "";
  $("banner").textContent = banner || "";
  $("banner").hidden = !banner;
  for (const node of document.querySelectorAll(".ca-file")) node.textContent = status.ca_path || "<CA file>";
  $("ca-path").textContent = status.ca_path || "(created at first start)";
  const d = status.detector;
  $("detector-status").textContent = d.loading ? `loading ${d.loading}…` : `in use: ${d.mode || "…"}`;
  if (d.error) { $("detector-error").textContent = d.error; $("detector-error").hidden = false; }
}

// --- settings ------------------------------------------------------------------------------------
function renderSettings(settings) {
  $("enabled").checked = settings.enabled;
  const sites = $("sites");
  sites.replaceChildren();
  for (const site of settings.sites) {
    const box = el("input", { type: "checkbox", role: "switch", checked: site.enabled,
                              disabled: !settings.enabled, "data-host": site.host });
    box.addEventListener("change", () => save(`/api/sites/${encodeURIComponent(site.host)}`,
                                              { enabled: box.checked }));
    sites.append(el("label", { className: "switch-row" }, el("span", {}, site.host), box));
  }
  const rows = $("policy");
  rows.replaceChildren();
  for (const [cat, action] of Object.entries(settings.policy)) {
    const select = el("select", { "data-category": cat, ariaLabel: `Policy for ${pretty(cat)}` },
      ...["replace", "strict", "keep", "block"].map((a) => el("option", { value: a, selected: a === action }, a)));
    select.addEventListener("change", async () => {
      await save(`/api/policy/${cat}`, { action: select.value });
      flash("policy-saved", `Saved: ${pretty(cat)} → ${select.value}. The next request follows it.`);
    });
    rows.append(el("tr", { "data-category": cat }, el("td", {}, pretty(cat)),
      el("td", { className: "muted" }, CATEGORY_HELP[cat] || ""), el("td", {}, select)));
  }
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.checked = radio.value === settings.detector_mode;
  }
  $("model-path").value = settings.model_path || "";
}

async function save(path, body) {
  try {
    renderSettings(await api(path, { method: "PUT", body }));
  } catch (e) {
    $("banner").textContent = `Could not save: ${e.message}`;
    $("banner").hidden = false;
  }
  refreshStatus();
}

$("enabled").addEventListener("change", () => save("/api/enabled", { enabled: $("enabled").checked }));

$("apply-detector").addEventListener("click", async () => {
  $("detector-error").hidden = true;
  const mode = document.querySelector('input[name="mode"]:checked')?.value || "fast";
  try {
    renderSettings(await api("/api/settings", { method: "PATCH",
      body: { detector_mode: mode, model_path: $("model-path").value.trim() } }));
  } catch (e) {
    $("detector-error").textContent = e.message;
    $("detector-error").hidden = false;
    renderSettings(await api("/api/settings"));
  }
  refreshStatus();
});

// --- try it --------------------------------------------------------------------------------------
$("try-button").addEventListener("click", async () => {
  $("try-error").hidden = true;
  $("try-button").disabled = true;
  try {
    const result = await api("/api/try", { method: "POST", body: { text: $("try-text").value } });
    $("try-protected").textContent = result.protected ??
      `Blocked: your policy blocks ${pretty(result.blocked_category)}; nothing would be sent.`;
    $("try-time").textContent = `${result.ms} ms`;
    const rows = $("try-spans");
    rows.replaceChildren();
    for (const span of result.spans) {
      rows.append(el("tr", { "data-category": span.category }, el("td", {}, span.text),
        el("td", {}, pretty(span.category)), el("td", {}, span.layer), el("td", {}, span.action),
        el("td", { className: "standin" }, span.standin ?? "—")));
    }
    if (!result.spans.length) rows.append(el("tr", {}, el("td", { colSpan: 5, className: "muted" }, "Nothing private found.")));
    $("try-result").hidden = false;
  } catch (e) {
    $("try-error").textContent = e.message;
    $("try-error").hidden = false;
  } finally {
    $("try-button").disabled = false;
  }
});

// --- live events ------------------------------------------------------------------------------------
function renderEvents() {
  const rows = $("events");
  rows.replaceChildren();
  for (const e of events.slice().reverse()) {
    const cats = Object.entries(e.categories).map(([c, n]) => `${pretty(c)} ${n}`).join(", ");
    rows.append(el("tr", { "data-outcome": e.outcome },
      el("td", {}, new Date(e.time * 1000).toLocaleTimeString()), el("td", {}, e.host),
      el("td", {}, e.outcome.replaceAll("_", " ") + (e.reason ? ` (${e.reason})` : "")),
      el("td", {}, String(e.replaced)), el("td", {}, cats || "—")));
  }
  $("events-empty").hidden = events.length > 0;
}

async function pollEvents() {
  if (!token) return;
  try {
    const answer = await api(`/api/events?after=${lastEventId}`);
    if (answer.events.length) {
      events = events.concat(answer.events).slice(-50);
      lastEventId = answer.last_id;
      renderEvents();
      refreshVault();
      refreshStatus();
    }
  } catch (e) { /* shown by the status pill */ }
}

// --- vault --------------------------------------------------------------------------------------
async function refreshVault() {
  const v = await api("/api/vault").catch(() => null);
  if (!v || !v.available) { $("vault-stats").textContent = "No vault is open."; return; }
  const cats = Object.entries(v.per_category).map(([c, n]) => `${pretty(c)} ${n}`).join(", ");
  $("vault-stats").textContent = `${v.mappings} stand-ins in ${v.scopes} conversations` +
    (cats ? ` (${cats})` : "") + ` · key: ${v.key_source}` +
    (v.retention_days ? ` · kept ${v.retention_days} days after last use` : " · kept until forgotten");
  const select = $("forget-conversation");
  const chosen = select.value;
  select.replaceChildren(...Object.entries(v.per_scope).map(([scope, n]) =>
    el("option", { value: scope, selected: scope === chosen }, `${scope.slice(0, 28)} (${n})`)));
  $("forget-one").disabled = !select.options.length;
}

async function forget(body) {
  const { deleted } = await api("/api/vault/forget", { method: "POST", body });
  flash("vault-result", `Forgot ${deleted} stand-ins.`);
  refreshVault();
}

$("forget-one").addEventListener("click", () => forget({ conversation: $("forget-conversation").value }));
$("forget-all").addEventListener("click", () => {
  const button = $("forget-all");
  if (button.dataset.armed) {
    delete button.dataset.armed;
    button.textContent = "Forget everything";
    forget({ everything: true });
  } else {
    button.dataset.armed = "1";
    button.textContent = "Click again to forget everything";
  }
});

// --- pairing, CA tabs, OpenAPI ----------------------------------------------------------------------
$("pair-code-button").addEventListener("click", async () => {
  const { code } = await api("/api/pair/code", { method: "POST" });
  $("pair-code").textContent = code;
});

for (const tab of document.querySelectorAll(".tabs button")) {
  tab.addEventListener("click", () => {
    for (const t of document.querySelectorAll(".tabs button")) t.ariaSelected = String(t === tab);
    for (const pane of document.querySelectorAll(".os")) pane.hidden = pane.dataset.os !== tab.dataset.os;
  });
}

$("openapi-link").addEventListener("click", async (e) => {
  e.preventDefault();
  const spec = await api("/api/openapi.json", { text: true });
  window.open(URL.createObjectURL(new Blob([spec], { type: "application/json" })));
});

// --- start -----------------------------------------------------------------------------------------
async function refreshStatus() {
  try { renderStatus(await api("/api/status")); } catch (e) { /* 401 locks the page */ }
}

let started = false;

async function start() {
  try {
    renderSettings(await api("/api/settings"));
  } catch (e) {
    if (e.status !== 401) lock(`Doppel answered: ${e.message}`);
    return;
  }
  $("unlock").hidden = true;
  $("app").hidden = false;
  await refreshStatus();
  await refreshVault();
  await pollEvents();
  if (!started) {
    started = true;
    setInterval(pollEvents, POLL_MS);
    setInterval(refreshStatus, 5 * POLL_MS);
  }
}

token = takeToken();
if (token) start(); else lock();
