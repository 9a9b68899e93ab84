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
  LEGAL: "court cases, records", CUSTOM: "your always-protect terms (same-shape stand-ins)",
};
const LAYER_WORDS = { rules: "rule", ner: "spaCy NER", names: "names", llm: "on-device LLM",
                      terms: "your list", guard: "stand-in typed as is" };

let token = null;
let lastEventId = 0;
const MAX_EVENTS = 50;

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

// "rule email/email", "spaCy NER spacy:PERSON", "your list": the layer, then what matched.
function why(span) {
  const layer = LAYER_WORDS[span.layer] || span.layer;
  return span.source ? `${layer} · ${span.source}` : layer;
}

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
  const state = !status.enabled && status.state === "running" ? "off"
    : status.shadow && status.state === "running" ? "shadow" : status.state;
  $("state").dataset.state = state;
  $("state").textContent = state === "off" ? "Off" : state === "shadow" ? "SHADOW: not protecting"
    : STATE_WORDS[status.state];
  $("shadow-banner").hidden = !status.shadow;
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
  $("shadow").checked = settings.shadow;
  $("shadow-banner").hidden = !settings.shadow;
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
  fillCategories(Object.keys(settings.policy));
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
$("shadow").addEventListener("change", async () => {
  try {
    renderSettings(await api("/api/settings", { method: "PATCH", body: { shadow: $("shadow").checked } }));
  } catch (e) {
    $("banner").textContent = `Could not save: ${e.message}`;
    $("banner").hidden = false;
  }
  refreshStatus();
});

// --- your terms ------------------------------------------------------------------------------------
function fillCategories(categories) {
  const select = $("term-category");
  if (select.options.length) return;
  select.append(el("option", { value: "" }, "custom (same shape)"),
    ...categories.filter((c) => c !== "CUSTOM").map((c) => el("option", { value: c }, pretty(c))));
}

function termRow(term, label) {
  const remove = el("button", { type: "button", className: "secondary small" }, "Remove");
  remove.addEventListener("click", async () => {
    try { renderTerms(await api("/api/terms/remove", { method: "POST", body: { term } })); }
    catch (e) { showTermError(e.message); }
  });
  return el("li", { "data-term": term }, el("span", {}, term, label ? el("span", { className: "muted" }, ` (${label})`) : ""), remove);
}

function renderTerms(terms) {
  $("terms-always").replaceChildren(...terms.always.map((t) => termRow(t.term, pretty(t.category))));
  $("terms-never").replaceChildren(...terms.never.map((t) => termRow(t.term, "")));
  if (!terms.always.length) $("terms-always").append(el("li", { className: "muted" }, "none yet"));
  if (!terms.never.length) $("terms-never").append(el("li", { className: "muted" }, "none yet"));
}

function showTermError(message) {
  $("term-error").textContent = message;
  $("term-error").hidden = false;
}

async function refreshTerms() {
  try { renderTerms(await api("/api/terms")); } catch (e) { showTermError(e.message); }
}

$("term-kind").addEventListener("change", () => { $("term-category").disabled = $("term-kind").value === "never"; });
$("term-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("term-error").hidden = true;
  const body = { term: $("term-text").value, kind: $("term-kind").value };
  if (body.kind === "always" && $("term-category").value) body.category = $("term-category").value;
  try {
    await api("/api/terms", { method: "POST", body });
    $("term-text").value = "";
  } catch (err) { showTermError(err.message); }
  refreshTerms();
});

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
        el("td", {}, pretty(span.category)), el("td", {}, span.layer),
        el("td", { className: "why-text" }, span.source || "—"),
        el("td", {}, span.score.toFixed(2)), el("td", {}, span.action),
        el("td", { className: "standin" }, span.standin ?? "—")));
    }
    if (!result.spans.length) rows.append(el("tr", {}, el("td", { colSpan: 7, className: "muted" }, "Nothing private found.")));
    $("try-result").hidden = false;
  } catch (e) {
    $("try-error").textContent = e.message;
    $("try-error").hidden = false;
  } finally {
    $("try-button").disabled = false;
  }
});

// --- live events ------------------------------------------------------------------------------------
// One replacement: why it was made, the value hidden until "show" (this page only), and
// "never protect" by its opaque id (the value is not sent anywhere).
function whyItem(r) {
  const secret = el("span", { className: "secret" }, "••••••");
  const reveal = el("button", { type: "button", className: "secondary small", "data-action": "reveal" }, "show");
  reveal.addEventListener("click", async () => {
    try {
      secret.textContent = (await api("/api/events/reveal", { method: "POST", body: { id: r.id } })).value;
      secret.className = "";
      reveal.remove();
    } catch (e) { flash("events-result", e.message); }
  });
  const item = el("li", { "data-layer": r.layer, "data-category": r.category },
    el("b", {}, pretty(r.category)), el("span", { className: "why-text" }, why(r)),
    el("span", { className: "muted" }, r.score.toFixed(2)), secret, reveal);
  if (r.layer !== "guard") {
    const never = el("button", { type: "button", className: "secondary small", "data-action": "never" }, "never protect");
    never.addEventListener("click", async () => {
      try {
        await api("/api/terms/never-from-event", { method: "POST", body: { id: r.id } });
        flash("events-result", `Added this ${pretty(r.category)} to your never-protect list: the next request keeps it as typed.`);
        never.disabled = true;
        refreshTerms();
      } catch (e) { flash("events-result", e.message); }
    });
    item.append(never);
  }
  return item;
}

// New events go on top; rows already shown stay as they are (a value revealed there stays).
function renderEvents(fresh) {
  const rows = $("events");
  for (const e of fresh) {
    const cats = Object.entries(e.categories).map(([c, n]) => `${pretty(c)} ${n}`).join(", ");
    const outcome = e.outcome === "shadow" ? "SHADOW: sent unchanged" : e.outcome.replaceAll("_", " ");
    rows.prepend(el("tr", { "data-outcome": e.outcome, "data-id": String(e.id) },
      el("td", {}, new Date(e.time * 1000).toLocaleTimeString()), el("td", {}, e.host),
      el("td", {}, outcome + (e.reason ? ` (${e.reason})` : "")),
      el("td", {}, e.outcome === "shadow" ? `${e.replaced} would be` : String(e.replaced)),
      el("td", {}, cats || "—"),
      el("td", {}, el("ul", { className: "why" }, ...(e.replacements || []).map(whyItem)))));
  }
  while (rows.children.length > MAX_EVENTS) rows.lastElementChild.remove();
  $("events-empty").hidden = rows.children.length > 0;
}

async function pollEvents() {
  if (!token) return;
  try {
    const answer = await api(`/api/events?after=${lastEventId}`);
    if (answer.events.length) {
      lastEventId = answer.last_id;
      renderEvents(answer.events);
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
  await refreshTerms();
  await pollEvents();
  if (!started) {
    started = true;
    setInterval(pollEvents, POLL_MS);
    setInterval(refreshStatus, 5 * POLL_MS);
  }
}

token = takeToken();
if (token) start(); else lock();
