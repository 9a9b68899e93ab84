"""The JSON API under /api/ (see proxy/control/models.py for the shapes, control_auth.py for who
may call it). Handlers read ``request.app[STATE]``; ``ROUTES`` registers them and feeds the
OpenAPI description (GET /api/openapi.json)."""
from __future__ import annotations

import asyncio
import time

from aiohttp import web
from pydantic import ValidationError

from detector.categories import Category
from proxy.control import models as m
from proxy.control.openapi import Route, add_routes, openapi_spec, validation_message
from proxy.mitm.runtime import ERROR, LOADING, RUNNING, DetectorUnavailable, detector_key
from proxy.control.state import STATE, ControlState
from proxy.hostnames import normalize_host
from proxy.control.pac import pac_script


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _runtime(request: web.Request):
    runtime = request.app[STATE].runtime
    if runtime is None:
        raise web.HTTPServiceUnavailable(text='{"error": "settings are not available here"}',
                                         content_type="application/json")
    return runtime


def _sites(state: ControlState) -> list[m.Site]:
    settings = state.runtime.settings.current if state.runtime else None
    return [m.Site(host=h, enabled=settings.site_on(h) if settings else True)
            for h in state.hosts.hosts]


def _settings_out(state: ControlState) -> m.SettingsOut:
    s = state.runtime.settings.current
    return m.SettingsOut(enabled=s.enabled, shadow=s.shadow, sites=_sites(state),
                         detector_mode=s.detector_mode,
                         model_path=s.model_path,
                         policy={c: s.action(c) for c in Category})


# --- status ------------------------------------------------------------------------------

async def get_status(request: web.Request) -> m.Status:
    state = request.app[STATE]
    rt = state.runtime
    if rt is None:
        run_state, error = (RUNNING if state.ready else LOADING), None
        detector = m.DetectorInfo(mode=state.detector)
        enabled, shadow = True, False
    else:
        run_state, error = rt.state, rt.error
        if run_state == RUNNING and not (state.ready and rt.ready):
            run_state = LOADING
        settings = rt.settings.current
        llm_events = rt.llm_event_counts()
        detector = m.DetectorInfo(mode=rt.active_mode, loading=rt.loading_mode,
                                  model_path=settings.model_path, error=rt.error, llm=rt.llm_state(),
                                  llm_timeouts=llm_events.get("timeout", 0),
                                  llm_fast_only=llm_events.get("loading", 0) + llm_events.get("model_error", 0))
        enabled, shadow = settings.enabled, settings.shadow
    return m.Status(state=run_state, ready=run_state == RUNNING, enabled=enabled, shadow=shadow,
                    version=state.version, error=error if run_state == ERROR else None,
                    detector=detector,
                    proxy=m.ProxyInfo(host=state.proxy_host, port=state.proxy_port, mode=state.mode),
                    sites=_sites(state), ca_path=str(state.ca_path) if state.ca_path else None,
                    uptime_s=round(time.time() - state.started_at, 1), stats=state.stats())


# --- settings ----------------------------------------------------------------------------

async def get_settings(request: web.Request) -> m.SettingsOut:
    _runtime(request)
    return _settings_out(request.app[STATE])


async def patch_settings(request: web.Request, patch: m.SettingsPatch) -> web.StreamResponse | m.SettingsOut:
    state = request.app[STATE]
    rt = _runtime(request)
    current = rt.settings.current
    changes: dict = {}
    if patch.enabled is not None:
        changes["enabled"] = patch.enabled
    if patch.shadow is not None:
        changes["shadow"] = patch.shadow
    if patch.sites:
        unknown = [h for h in patch.sites if not state.hosts.is_chat_host(h)]
        if unknown:
            return _error(404, f"{len(unknown)} unknown site(s): only chat hosts Doppel "
                               "intercepts can be switched")
        changes["sites"] = {**current.sites, **{normalize_host(h): on for h, on in patch.sites.items()}}
    if patch.policy:
        changes["policy"] = {**current.policy, **patch.policy}
    if "model_path" in patch.model_fields_set:
        changes["model_path"] = patch.model_path or None
    if patch.detector_mode is not None:
        changes["detector_mode"] = patch.detector_mode
    mode = changes.get("detector_mode", current.detector_mode)
    model_path = changes.get("model_path", current.model_path)
    new_detector = None
    if detector_key(mode, model_path) != detector_key(current.detector_mode, current.model_path):
        try:
            new_detector = await asyncio.get_running_loop().run_in_executor(
                None, rt.check_detector, mode, model_path)
        except DetectorUnavailable as e:
            return _error(409, f"detector mode '{mode}' is not available: {e}")
        rt.loading_mode = mode  # so the settings listener does not build it a second time
    try:
        rt.settings.update(**changes)
    except ValidationError as e:
        rt.loading_mode = None
        return _error(400, validation_message(e))
    if new_detector is not None:
        rt.switch_detector(new_detector, mode, model_path)
    return _settings_out(state)


async def put_enabled(request: web.Request, toggle: m.Toggle) -> m.SettingsOut:
    return await patch_settings(request, m.SettingsPatch(enabled=toggle.enabled))


async def put_site(request: web.Request, toggle: m.Toggle) -> web.StreamResponse | m.SettingsOut:
    return await patch_settings(request, m.SettingsPatch(
        sites={request.match_info["host"]: toggle.enabled}))


async def put_policy(request: web.Request, change: m.PolicyChange) -> web.StreamResponse | m.SettingsOut:
    try:
        category = Category(request.match_info["category"].upper())
    except ValueError:
        return _error(404, "unknown category")
    return await patch_settings(request, m.SettingsPatch(policy={category: change.action}))


# --- events, vault, try it -----------------------------------------------------------------

async def get_events(request: web.Request) -> m.Events:
    events = request.app[STATE].events
    try:
        after = int(request.query.get("after", "0"))
        limit = min(int(request.query.get("limit", "100")), 500)
    except ValueError:
        raise web.HTTPBadRequest(text='{"error": "after and limit must be integers"}',
                                 content_type="application/json") from None
    if events is None:
        return m.Events(events=[], conversations=[], last_id=after)
    recent = events.recent(after=after, limit=limit)
    return m.Events(events=[m.Event(**e.as_dict()) for e in recent],
                    conversations=[m.ConversationSummary(**c) for c in events.conversations()],
                    last_id=recent[-1].id if recent else after)


async def get_vault(request: web.Request) -> m.VaultStats:
    rt = _runtime(request)
    stats = await asyncio.get_running_loop().run_in_executor(None, rt.vault_stats)
    if stats is None:
        return m.VaultStats(available=False)
    return m.VaultStats(available=True, mappings=stats["mappings"], scopes=stats["scopes"],
                        per_category=stats["per_category"], per_scope=stats["per_scope"],
                        key_source=stats.get("key_source"),
                        retention_days=stats.get("retention_days"),
                        bytes_on_disk=(stats.get("bytes_on_disk") or {}).get("total"))


async def forget(request: web.Request, body: m.ForgetRequest) -> web.StreamResponse | m.ForgetResult:
    rt = _runtime(request)
    if body.everything == bool(body.conversation):
        return _error(400, "give either a conversation or everything=true")
    try:
        deleted = await asyncio.get_running_loop().run_in_executor(
            None, lambda: rt.forget(conversation=body.conversation, everything=body.everything))
    except RuntimeError as e:
        return _error(409, str(e))
    return m.ForgetResult(deleted=deleted)


async def try_text(request: web.Request, body: m.TryRequest) -> web.StreamResponse | m.TryOut:
    from detector.errors import DetectionError

    rt = _runtime(request)
    try:
        result = await asyncio.get_running_loop().run_in_executor(None, rt.try_text, body.text)
    except DetectionError as e:
        return _error(503, f"the detector failed (layer '{e.layer}')")
    return m.TryOut(protected=result.protected, blocked_category=result.blocked_category,
                    ms=result.ms, spans=[m.TrySpanOut(**vars(s)) for s in result.spans])



# --- the user's terms ------------------------------------------------------------------------

async def _blocking(call, *args):
    return await asyncio.get_running_loop().run_in_executor(None, call, *args)


def _counts(rt) -> dict[str, int]:
    return rt.terms.count()


async def get_terms(request: web.Request) -> web.StreamResponse | m.Terms:
    rt = _runtime(request)
    try:
        terms = await _blocking(rt.list_terms)
    except RuntimeError as e:
        return _error(409, str(e))
    return m.Terms(always=[m.AlwaysTerm(term=t.term, category=t.category)
                           for t in terms if t.kind == "always"],
                   never=[m.NeverTerm(term=t.term) for t in terms if t.kind == "never"])


async def _term_change(call, *args):
    """``call(*args)`` in a thread: (its result, None), or (None, the error answer): 400 for a
    bad term (the message names the rule broken, never the term), 409 without a vault."""
    try:
        return await _blocking(call, *args), None
    except ValueError as e:
        return None, _error(400, str(e))
    except RuntimeError as e:
        return None, _error(409, str(e))


def _added(rt, stored) -> m.TermAdded:
    return m.TermAdded(kind=stored.kind, category=stored.category, counts=_counts(rt))


async def add_term(request: web.Request, body: m.TermIn) -> web.StreamResponse | m.TermAdded:
    rt = _runtime(request)
    if body.kind == "never" and body.category is not None:
        return _error(400, "a never-protect term has no category")
    stored, error = await _term_change(rt.add_term, body.term, body.kind,
                                       str(body.category) if body.category else None)
    return error or _added(rt, stored)


async def remove_term(request: web.Request, body: m.TermRef) -> web.StreamResponse | m.Terms:
    removed, error = await _term_change(_runtime(request).remove_term, body.term)
    if error is not None:
        return error
    if not removed:
        return _error(404, "that term is on neither list")
    return await get_terms(request)


async def never_from_event(request: web.Request, body: m.ReplacementRef) -> web.StreamResponse | m.TermAdded:
    rt = _runtime(request)
    stored, error = await _term_change(rt.never_from_event, body.id)
    if error is not None:
        return error
    if stored is None:
        return _error(404, "that replacement is no longer remembered (Doppel keeps the recent ones "
                           "in memory only)")
    return _added(rt, stored)


async def reveal(request: web.Request, body: m.ReplacementRef) -> web.StreamResponse | m.Revealed:
    value = _runtime(request).replacement_value(body.id)
    if value is None:
        return _error(404, "that replacement is no longer remembered")
    return m.Revealed(value=value)


# --- PAC, pairing, OpenAPI -------------------------------------------------------------------

def pac_response(state: ControlState) -> web.Response:
    if state.runtime is not None:
        settings = state.runtime.settings.current
        hosts = [h for h in state.hosts.hosts if settings.site_on(h)]
    else:
        hosts = list(state.hosts.hosts)
    return web.Response(text=pac_script(hosts, state.proxy_host, state.proxy_port),
                        content_type="application/x-ns-proxy-autoconfig",
                        headers={"Cache-Control": "no-store"})


async def get_pac(request: web.Request) -> web.Response:
    return pac_response(request.app[STATE])


async def pair(request: web.Request, body: m.PairRequest) -> web.StreamResponse | m.PairOut:
    state = request.app[STATE]
    if not state.pairing.redeem(body.code):
        return _error(403, "this pairing code is wrong, used or expired: get a new one with "
                           "`doppel pair`")
    state.paired_origins.add(request.headers.get("Origin", "").lower())  # Firefox: its origin
    return m.PairOut(token=state.token)


async def new_pair_code(request: web.Request) -> m.PairCodeOut:
    state = request.app[STATE]
    port = request.transport.get_extra_info("sockname")[1] if request.transport else 8765
    code = state.pairing.issue(port)
    return m.PairCodeOut(code=code.code, expires_in_s=int(state.pairing.ttl_s))


async def get_openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_spec(ROUTES, version=request.app[STATE].version))


ROUTES: list[Route] = [
    Route("GET", "/api/status", get_status, "Backend state, detector, sites and counters",
          response=m.Status),
    Route("GET", "/api/settings", get_settings, "Current settings", response=m.SettingsOut),
    Route("PATCH", "/api/settings", patch_settings, "Change settings (partial)",
          body=m.SettingsPatch, response=m.SettingsOut),
    Route("PUT", "/api/enabled", put_enabled, "Protection on/off for every site",
          body=m.Toggle, response=m.SettingsOut),
    Route("PUT", "/api/sites/{host}", put_site, "Protection on/off for one chat host",
          body=m.Toggle, response=m.SettingsOut),
    Route("PUT", "/api/policy/{category}", put_policy, "replace / strict / keep / block one category",
          body=m.PolicyChange, response=m.SettingsOut),
    Route("GET", "/api/events", get_events, "Recent protections: counts and categories per "
          "request and per conversation (?after=<id>&limit=<n>)", response=m.Events),
    Route("GET", "/api/vault", get_vault, "Vault statistics (counts only)", response=m.VaultStats),
    Route("POST", "/api/vault/forget", forget, "Forget one conversation's mappings or all",
          body=m.ForgetRequest, response=m.ForgetResult),
    Route("POST", "/api/try", try_text, "Spans, categories, why (layer, rule, confidence) and "
          "stand-ins for a text", body=m.TryRequest, response=m.TryOut),
    Route("GET", "/api/terms", get_terms, "Your always-protect and never-protect terms",
          response=m.Terms),
    Route("POST", "/api/terms", add_term, "Add a term to the always (default) or never list; "
          "it leaves the other list", body=m.TermIn, response=m.TermAdded),
    Route("POST", "/api/terms/remove", remove_term, "Take a term off its list",
          body=m.TermRef, response=m.Terms),
    Route("POST", "/api/terms/never-from-event", never_from_event, "Never protect the value "
          "behind a recent replacement (by its opaque id; the value is not sent or echoed)",
          body=m.ReplacementRef, response=m.TermAdded),
    Route("POST", "/api/events/reveal", reveal, "The value behind a recent replacement id "
          "(the settings page shows it on an explicit click)", body=m.ReplacementRef,
          response=m.Revealed),
    Route("GET", "/api/pac", get_pac, "PAC script routing the enabled chat hosts via Doppel",
          content_type="application/x-ns-proxy-autoconfig"),
    Route("POST", "/api/pair", pair, "Exchange a one-time pairing code for the token",
          body=m.PairRequest, response=m.PairOut, token=False),
    Route("POST", "/api/pair/code", new_pair_code, "Issue a one-time pairing code",
          response=m.PairCodeOut),
    Route("GET", "/api/openapi.json", get_openapi, "This description",
          content_type="application/json"),
]


def add_api_routes(app: web.Application) -> None:
    add_routes(app, ROUTES)

