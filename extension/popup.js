// The popup: backend state, the global and per-site switches, what was protected in this tab,
// pairing, and the link to the settings page. Every switch goes through the backend; the
// service worker then re-applies the routing (see background.js).

import { api, baseUrl, ext, getPairing, hostOf, pairWithCode, setPairing } from "./api.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const PILLS = {
  on: "Protecting", off: "Off", loading: "Loading model…", error: "Error",
  down: "Backend down", unpaired: "Not paired", checking: "Checking…",
  shadow: "SHADOW: not protecting",
};

function show(id, visible) { $(id).hidden = !visible; }

function say(text, kind = "info") {
  $("message").textContent = text || "";
  $("message").dataset.kind = kind;
  show("message", Boolean(text));
}

// The tab the popup describes: the active tab, or ?tab=<id> (the popup opened as a page).
async function targetTab() {
  const id = Number(params.get("tab"));
  if (id) return ext.tabs.get(id).catch(() => null);
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return tab || null;
}

function setPill(state) {
  $("backend").dataset.state = state;
  $("backend").textContent = PILLS[state];
}

async function renderTab(tab) {
  const entry = tab ? await ext.runtime.sendMessage({ type: "tab", tabId: tab.id }) : null;
  $("tab-total").textContent = String(entry ? entry.replaced : 0);
  $("tab-blocked").textContent = String(entry ? entry.blocked : 0);
  show("tab-blocked-wrap", Boolean(entry && entry.blocked));
  $("tab-shadow").textContent = String(entry ? entry.shadowRequests || 0 : 0);
  $("tab-would").textContent = String(entry ? entry.shadow || 0 : 0);
  show("tab-shadow-wrap", Boolean(entry && entry.shadowRequests));
  $("tab-title").textContent = entry && entry.shadowRequests && !entry.replaced
    ? "Would have been protected in this tab" : "Protected in this tab";
  const list = $("tab-categories");
  list.replaceChildren();
  for (const [cat, n] of Object.entries(entry ? entry.categories : {}).sort((a, b) => b[1] - a[1])) {
    const li = document.createElement("li");
    li.dataset.category = cat;
    li.textContent = `${cat.replaceAll("_", " ").toLowerCase()}: ${n}`;
    list.append(li);
  }
}

// What the context menu did last (never the term itself).
function renderTermNote(note) {
  const fresh = note && Date.now() - note.at < 5 * 60 * 1000;
  show("term-note", Boolean(fresh));
  if (!fresh) return;
  $("term-note").dataset.kind = note.ok ? "info" : "error";
  $("term-note").textContent = note.ok
    ? `Added to ${note.kind === "never" ? "never protect" : "always protect"}: Doppel follows it ` +
      `from the next request (${note.counts.always} always, ${note.counts.never} never).`
    : `Could not add the term: ${note.error}`;
}

async function render() {
  const view = await ext.runtime.sendMessage({ type: "sync" });
  renderTermNote(view.termNote);
  show("shadow-banner", false);
  const tab = await targetTab();
  const host = tab && tab.url ? hostOf(tab.url) : "";
  const paired = view.backend !== "unpaired" && view.backend !== "unauthorized";
  show("pair", !paired);
  show("controls", paired);
  show("tab", paired);
  show("settings-link", paired);
  show("unpair-link", paired);
  $("toggle-all").disabled = true;
  $("toggle-site").disabled = true;
  show("toggle-all", true);
  $("toggle-all-label").textContent = "Protect all chat sites";

  if (view.backend === "unpaired") {
    setPill("unpaired");
    say("");
    return;
  }
  if (view.backend === "unauthorized") {
    setPill("unpaired");
    say("Doppel did not accept this pairing (its token changed). Pair again.", "warn");
    return;
  }
  if (view.backend === "down") {
    setPill("down");
    say("Doppel is not running. Chat sites are blocked until it runs again: nothing is sent " +
        "unprotected. Start it with `doppel start`.", "error");
    // No switch to flip while it is down: say so instead of showing a state we cannot know.
    show("toggle-all", false);
    $("toggle-all-label").textContent = "Protection unavailable: Doppel is down";
    show("site-row", false);
    show("site-none", false);
    await renderTab(tab);
    return;
  }
  if (view.backend === "error" && !view.status) {
    setPill("error");
    say(view.error || "Doppel answered with an error.", "error");
    return;
  }

  const status = view.status;
  const site = status.sites.find((s) => s.host === host);
  $("toggle-all").checked = status.enabled;
  $("toggle-all").disabled = false;
  show("site-row", Boolean(site));
  show("site-none", !site);
  if (site) {
    $("site-host").textContent = host;
    $("toggle-site").checked = site.enabled;
    $("toggle-site").disabled = !status.enabled;
  }

  if (status.state === "loading") {
    setPill("loading");
    say("Doppel is loading its detection model. Chat sites work once it is ready.", "info");
  } else if (status.state === "error") {
    setPill("error");
    say(status.error || "Doppel reports an error.", "error");
  } else if (!status.enabled) {
    setPill("off");
    say("Protection is off: chat sites go direct, unprotected.", "warn");
  } else if (site && !site.enabled) {
    setPill("on");
    say(`Protection is off for ${host}: it goes direct, unprotected.`, "warn");
  } else if (status.shadow) {
    // Loud on purpose: everything goes out as typed.
    setPill("shadow");
    show("shadow-banner", true);
    say("");
  } else {
    setPill("on");
    if (status.detector.loading) {
      say(`Switching to the ${status.detector.loading} detector…`);
    } else {
      const [text, level] = llmNote(status.detector);
      say(text, level);
    }
  }
  await renderTab(tab);
}

// Thorough mode: what the on-device LLM could not do. Requests still went out protected by the
// fast layers (names, identifiers); contextual details (health, money...) may have gone as typed.
function llmNote(detector) {
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (detector.llm === "loading") {
    return ["The thorough model is loading: until it is ready, the fast layers alone check messages.", "info"];
  }
  if (detector.llm === "unavailable") {
    return ["The thorough model could not load: the fast layers alone check messages.", "warn"];
  }
  if (detector.llm_timeouts > 0) {
    return [`${plural(detector.llm_timeouts, "message")} took the thorough model too long: ` +
            "they went out checked by the fast layers alone.", "warn"];
  }
  return ["", "info"];
}

async function change(path, body) {
  $("toggle-all").disabled = true;
  $("toggle-site").disabled = true;
  try {
    await api(path, { method: "PUT", body });
  } catch (e) {
    say(`Could not change it: ${e.message}`, "error");
  }
  await render();
}

$("toggle-all").addEventListener("change", (e) => change("/api/enabled", { enabled: e.target.checked }));
$("toggle-site").addEventListener("change", (e) =>
  change(`/api/sites/${encodeURIComponent($("site-host").textContent)}`, { enabled: e.target.checked }));

$("pair-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  show("pair-error", false);
  $("pair-button").disabled = true;
  try {
    await pairWithCode($("pair-code").value);
    $("pair-code").value = "";
  } catch (err) {
    $("pair-error").textContent = err.message;
    show("pair-error", true);
  } finally {
    $("pair-button").disabled = false;
  }
  await render();
});

$("settings-link").addEventListener("click", async (e) => {
  e.preventDefault();
  const pairing = await getPairing();
  if (pairing) {
    // The token rides in the fragment: the page keeps it, the server never sees it in a URL.
    await ext.tabs.create({ url: `${baseUrl(pairing.port)}/settings#token=${pairing.token}` });
  }
});

$("unpair-link").addEventListener("click", async (e) => {
  e.preventDefault();
  await setPairing(null);
  await render();
});

render();
