"""The mitmproxy addon: protect chat requests on the way out, restore replies on the way back.

Per flow (see proxy/sites/base.py for the adapter surface):
  request         route by where the connection goes (proxy/mitm/hosts.py: a chat flow whose Host
                  header names another host is refused); find the adapter, or else generic
                  protection (proxy/sites/generic.py) unless the endpoint carries no user text
                  (proxy/sites/untouched.py) or `--on-unknown pass`; in a worker thread (never on
                  the event loop): read the texts (the body's and the query's), compute the
                  scope, protect every run of texts (Protector.protect_group for runs of more
                  than one when the protector has it), write back what changed. Any failure
                  fails closed: the client gets a 502 JSON, nothing goes upstream.
  responseheaders streamed replies: decode content-encoding, drop content-length, and set
                  ``flow.response.stream`` to the adapter's rewriter. Nothing is added that a
                  page could read: counts and categories go to the event log (the control
                  server and the extension); ``count_headers`` adds them as x-doppel-* headers
                  to API replies (reverse mode), never to a chat web app's.
  response        whole replies: restore the body.
  websocket_message  the Responses API's WebSocket mode (proxy/mitm/addon_ws.py).
Shadow mode (the settings' ``shadow``): the texts are read and checked as usual and the event
is recorded (what would have been replaced, and why), but the ORIGINAL request goes upstream and
the reply is not restored (nothing was replaced); the event says "shadow" (and, with
--count-headers on an API, the response headers).
Logs name adapters, categories and counts, never values.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sqlite3
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, get_args

from mitmproxy import ctx, http
from mitmproxy.exceptions import OptionsError

from detector.errors import BlockedByPolicy, DetectionError
from proxy.mitm.content_decode import stream_decoder
from proxy.mitm.hosts import HostMismatch, HostPolicy, chat_destination
from proxy.sites import find_adapter, is_web_host, load_adapters
from proxy.sites.base import (RequestFormatError, ResponseContext, ResponseRewriter, SiteAdapter,
                              TextRun)
from proxy.sites.bodies import QueryTexts
from proxy.sites.generic import GenericAdapter
from proxy.sites.untouched import untouched_reason
from proxy.mitm.addon_ws import ResponsesWebSocketHooks
from proxy.control.events import Found
from proxy.vault.errors import VaultError

log = logging.getLogger("doppel.addon")

METADATA_KEY = "doppel"
SHADOW_METADATA_KEY = "doppel-shadow"  # shadow mode: counts for the headers, nothing to restore
REQUEST_KEY = "doppel-request"  # the request's digest, as the event log names it


def request_digest(method: str, url: str) -> str:
    """What names a request in the event log: SHA-256 of "METHOD URL" (first 32 hex digits).
    The extension computes the same from chrome.webRequest to know which tab an event counts
    for (extension/background.js); the URL is the one the browser sent."""
    return hashlib.sha256(f"{method} {url}".encode("utf-8", "surrogateescape")).hexdigest()[:32]

OnError = Literal["block", "pass"]
"""What to do when detection fails: block the request (default) or pass it unprotected.
One list for the mitmproxy option, `doppel start --on-error` and StartOptions."""
ON_ERROR_CHOICES: tuple[str, ...] = get_args(OnError)

OnUnknown = Literal["protect", "pass"]
"""What to do with a request on a chat host that no adapter reads: generic protection
(default: every text protected, an unreadable body blocked) or pass it as it came."""
ON_UNKNOWN_CHOICES: tuple[str, ...] = get_args(OnUnknown)


@dataclass
class FlowState:
    """What the request side leaves for the response side (in flow.metadata["doppel"])."""
    adapter: SiteAdapter
    scope: str
    texts: int = 0
    replaced: int = 0
    categories: dict[str, int] = field(default_factory=dict)
    restorer: Any = None  # built in the worker right after protecting: no extra hop later
    found: list[Found] = field(default_factory=list)  # what was replaced and why (for events)
    shadow: bool = False   # shadow mode: counted and recorded, the request left as it came
    would_block: str = ""  # shadow mode: a category the policy would have blocked

    def count(self, span) -> None:
        """One replaced (or, in shadow mode, would-be replaced) span."""
        cat = str(span.category)
        self.categories[cat] = self.categories.get(cat, 0) + 1
        self.replaced += 1
        self.found.append(Found(span.text, cat, span.layer, span.source, span.score))


@dataclass
class Stats:
    """Counters for /health and the extension badge: counts and categories only."""
    protected_requests: int = 0
    replaced: int = 0
    blocked: int = 0
    passed_on_error: int = 0
    shadow_requests: int = 0
    categories: dict[str, int] = field(default_factory=dict)


def blocked_response(reason: str, sentence: str, *, header: bool = True, **extra: Any) -> http.Response:
    """The 502 a client gets when Doppel refuses to send a request (OpenAI/Anthropic-ish shape,
    so SDKs surface the sentence as the error message). ``header``: also name the reason in
    x-doppel-blocked (API clients; not on a chat web app, whose page reads its headers)."""
    error = {"type": "doppel_blocked", "code": reason, "message": sentence, **extra}
    body = json.dumps({"type": "error", "error": error}).encode()
    headers = {"content-type": "application/json"}
    if header:
        headers["x-doppel-blocked"] = reason
    return http.Response.make(502, body, headers)


class TextTooLarge(Exception):
    """The texts of one request exceed what Doppel checks (fail closed, do not truncate)."""


class DoppelAddon(ResponsesWebSocketHooks):
    """Protects chat requests with ``protector`` (detector.protect.Protector or anything with
    ``protect(text, scope)`` and ``restorer(scope)``)."""

    def __init__(self, protector, *, adapters: list[SiteAdapter] | None = None,
                 hosts: HostPolicy | None = None, on_error: str = "block",
                 on_unknown: str = "protect",
                 detect_timeout_s: float = 30.0, max_text_chars: int = 1_000_000,
                 executor: Executor | None = None,
                 rebind_scope: Callable[[str, str], None] | None = None,
                 settings=None, events=None, count_headers: bool = False) -> None:
        """``settings``: a proxy.settings.SettingsStore (per-site/global on-off, read on every
        request); ``events``: a proxy.control.events.EventLog (counts for the popup and badge);
        ``count_headers``: also tell API clients the counts in x-doppel-* response headers
        (`doppel start --count-headers`; never on a chat web app, whose page could read them)."""
        if on_error not in ON_ERROR_CHOICES:
            raise ValueError(_on_error_problem("on_error"))
        if on_unknown not in ON_UNKNOWN_CHOICES:
            raise ValueError(_choices_problem("on_unknown", ON_UNKNOWN_CHOICES))
        self.protector = protector
        self.adapters = adapters if adapters is not None else load_adapters()
        self.generic = GenericAdapter(self.adapters)
        self.on_unknown = on_unknown
        self.hosts = hosts  # None: every host the proxy sees is a chat host (reverse mode, tests)
        self.on_error = on_error
        self.detect_timeout_s = detect_timeout_s
        self.max_text_chars = max_text_chars  # spaCy's own limit; beyond it nothing is checked
        self.executor = executor or ThreadPoolExecutor(max_workers=4, thread_name_prefix="doppel")
        self.rebind_scope = rebind_scope or (lambda old, new: None)
        self.stats = Stats()
        self.settings = settings
        self.events = events
        self.count_headers = count_headers

    # --- mitmproxy options (settable with --set) ---
    def load(self, loader) -> None:
        loader.add_option("doppel_on_error", str, self.on_error,
                          "What to do when detection fails: block (default) or pass.",
                          choices=ON_ERROR_CHOICES)
        loader.add_option("doppel_detect_timeout", float, self.detect_timeout_s,
                          "Seconds detection may take before the request is blocked.")
        loader.add_option("doppel_on_unknown", str, self.on_unknown,
                          "Requests on chat hosts that no adapter reads: protect (default) "
                          "or pass.", choices=ON_UNKNOWN_CHOICES)

    def configure(self, updated) -> None:
        # OptionsError, not any other error: mitmproxy then rolls the change back (the
        # choices above are shown in help but not enforced by mitmproxy itself).
        if "doppel_on_error" in updated:
            value = ctx.options.doppel_on_error
            if value not in ON_ERROR_CHOICES:
                raise OptionsError(_on_error_problem("doppel_on_error"))
            self.on_error = value
        if "doppel_detect_timeout" in updated:
            self.detect_timeout_s = ctx.options.doppel_detect_timeout
        if "doppel_on_unknown" in updated:
            value = ctx.options.doppel_on_unknown
            if value not in ON_UNKNOWN_CHOICES:
                raise OptionsError(_choices_problem("doppel_on_unknown", ON_UNKNOWN_CHOICES))
            self.on_unknown = value

    # --- request ---
    def _route(self, flow: http.HTTPFlow) -> tuple[bool, bool]:
        """(is this a chat flow Doppel protects, does its Host header disagree with where it
        goes). Regular mode decides by the connection's destination (proxy/mitm/hosts.py);
        reverse mode (``hosts`` None) talks to one upstream: every flow is a chat flow."""
        host, mismatch = flow.request.pretty_host, False
        if self.hosts is not None:
            try:
                host = chat_destination(flow, self.hosts)
            except HostMismatch as e:
                host, mismatch = e.destination, True
            if host is None:
                return False, False
        if self.settings is not None and not self.settings.site_on(host):
            return False, False  # the user switched protection off (globally or for this site)
        return True, mismatch

    def _adapter_for(self, flow: http.HTTPFlow) -> SiteAdapter | None:
        """The site's adapter; else generic protection, unless the endpoint carries no user
        text (proxy/sites/untouched.py) or `--on-unknown pass` lets it through as it came."""
        adapter = find_adapter(self.adapters, flow.request)
        if adapter is None and self.on_unknown == "protect" \
                and untouched_reason(flow.request) is None:
            adapter = self.generic
        return adapter

    def _protect(self, adapter: SiteAdapter, request: http.Request) -> tuple[http.Request, FlowState]:
        """Worker thread: protect a copy of the request (the flow is not touched here)."""
        work = request.copy()
        adapter.prepare(work)
        body = adapter.texts(work)
        runs = adapter.text_runs(work, len(body)) if body else []
        query = QueryTexts(work)
        texts = body + query.texts()
        runs += [TextRun([i]) for i in range(len(body), len(texts))]
        if sum(map(len, texts)) > self.max_text_chars:
            raise TextTooLarge()
        state = FlowState(adapter, adapter.scope(work), texts=len(texts), shadow=self._shadow())
        if state.shadow:
            self._detect_only(texts, state)
            return request, state  # the original, untouched
        protected = self._protect_runs(texts, runs, state)
        if protected[:len(body)] != body:  # unchanged bodies keep their bytes
            adapter.rewrite(work, protected[:len(body)])
        if protected[len(body):] != texts[len(body):]:
            query.write(work, protected[len(body):])
        state.restorer = self.protector.restorer(state.scope)
        return work, state

    def _shadow(self) -> bool:
        return self.settings is not None and self.settings.current.shadow

    def _detect_only(self, texts: list[str], state: FlowState) -> None:
        """Shadow mode: count what protect() would replace (no stand-in is issued)."""
        for text in texts:
            try:
                spans = self.protector.detect(text)
            except BlockedByPolicy as e:
                state.would_block = str(e.category)
                continue
            for span in spans:
                state.count(span)

    def _protect_runs(self, texts: list[str], runs: list[TextRun], state: FlowState) -> list[str]:
        """Every text protected, run by run: a run of several texts together (a value cut
        across two of them is found) when the protector can, each in its run's scope."""
        protected: list[str | None] = [None] * len(texts)
        group = getattr(self.protector, "protect_group", None)
        for run in runs:
            scope = run.scope or state.scope
            chunk = [texts[i] for i in run.indexes]
            if len(chunk) > 1 and group is not None:
                results = group(chunk, scope)
            else:
                results = [self.protector.protect(text, scope) for text in chunk]
            for i, p in zip(run.indexes, results, strict=True):
                if protected[i] is not None:
                    raise ValueError("a text is in two runs")
                protected[i] = p.protected
                for r in p.replacements:
                    state.count(r.span)
        if any(p is None for p in protected):
            raise ValueError("a text is in no run")
        return protected  # type: ignore[return-value]

    async def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None or flow.error is not None:
            return
        chat, mismatch = self._route(flow)
        if not chat:
            return
        if mismatch:
            self._refuse_host(flow)
            return
        adapter = self._adapter_for(flow)
        if adapter is None:
            return
        flow.metadata[REQUEST_KEY] = request_digest(flow.request.method, flow.request.pretty_url)
        try:
            work, state = await self._protect_async(adapter, flow.request)
        except Exception as e:  # noqa: BLE001 - fail closed
            refusal = self._refusal(flow, adapter, e)
            if refusal is not None:
                reason, sentence, extra = refusal
                flow.response = blocked_response(reason, sentence,
                                                 header=not is_web_host(flow.request.pretty_host), **extra)
            return
        if state.shadow:
            flow.metadata[SHADOW_METADATA_KEY] = state
        else:
            flow.request.headers = work.headers
            flow.request.raw_content = work.raw_content
            flow.request.path = work.path
            flow.metadata[METADATA_KEY] = state
        if adapter is not self.generic or state.texts:
            self._protected(flow, state)

    def _refuse_host(self, flow: http.HTTPFlow) -> None:
        """A chat flow whose Host header names another host than its connection goes to."""
        self.stats.blocked += 1
        self._event(flow, "", "blocked", reason="host_mismatch")
        log.warning("doppel: blocked a request (host_mismatch)")
        flow.response = blocked_response(
            "host_mismatch", f"Doppel blocked this request to {flow.request.host}: its Host "
            "header names another host than the one it is sent to. Nothing was sent.")

    async def _protect_async(self, adapter: SiteAdapter,
                             request: http.Request) -> tuple[http.Request, FlowState]:
        """``_protect`` in a worker thread, within the detection time limit."""
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(
            loop.run_in_executor(self.executor, self._protect, adapter, request),
            timeout=self.detect_timeout_s)

    def _protected(self, flow: http.HTTPFlow, state: FlowState) -> None:
        """Count and record a protected request (counts and categories, never values)."""
        if state.shadow:
            self.stats.shadow_requests += 1
            self._event(flow, state.adapter.name, "shadow", conversation=state.scope,
                        categories=state.categories, replaced=state.replaced, found=state.found,
                        reason=f"would_block:{state.would_block}" if state.would_block else "")
            log.info("doppel: shadow: %s: %d texts, %d would be replaced %s", state.adapter.name,
                     state.texts, state.replaced, dict(state.categories))
            return
        self.stats.protected_requests += 1
        self.stats.replaced += state.replaced
        for cat, n in state.categories.items():
            self.stats.categories[cat] = self.stats.categories.get(cat, 0) + n
        self._event(flow, state.adapter.name, "protected", conversation=state.scope,
                    categories=state.categories, replaced=state.replaced, found=state.found)
        log.info("doppel: %s: %d texts, %d replaced %s", state.adapter.name, state.texts,
                 state.replaced, dict(state.categories))

    def _refusal(self, flow: http.HTTPFlow, adapter: SiteAdapter,
                 e: BaseException) -> tuple[str, str, dict[str, Any]] | None:
        """Protecting failed with ``e``: (reason, sentence for the client, extra fields) of the
        refusal, already counted and recorded; None when --on-error pass lets it through
        unprotected (detection failures only; never a policy block or an unreadable body)."""
        host = flow.request.pretty_host
        extra: dict[str, Any] = {}
        if isinstance(e, BlockedByPolicy):
            reason, extra = "policy", {"category": str(e.category)}
            sentence = (f"Doppel blocked this request to {host}: it contains {e.category} and "
                        "your policy blocks that category. Nothing was sent.")
        elif isinstance(e, TextTooLarge):
            reason = "request_too_large"
            sentence = (f"Doppel blocked this request to {host}: its text is longer than the "
                        f"{self.max_text_chars:,} characters Doppel can check. Nothing was sent.")
        elif isinstance(e, RequestFormatError):
            reason = "unreadable_request"
            kind = "" if adapter is self.generic else f" as {adapter.name}"
            sentence = (f"Doppel blocked this request to {host}: its body could not be read"
                        f"{kind} ({e}), so it could not be checked for private data. "
                        "Nothing was sent.")
        else:
            if isinstance(e, DetectionError):
                reason, why = "detection_failed", f"the privacy check failed (layer '{e.layer}')"
            elif isinstance(e, TimeoutError):
                reason, why = "detection_timeout", (
                    f"the privacy check took longer than {self.detect_timeout_s:g} s")
            elif isinstance(e, (VaultError, sqlite3.Error)):
                # SQLite's and the vault's messages name files and conditions ("database or
                # disk is full", "database is locked"), never values.
                reason, why = "vault_unavailable", (
                    f"the vault that keeps your stand-ins could not be used ({_first_line(e)})")
            elif isinstance(e, RecursionError):
                reason, why = "unreadable_request", "its body is nested too deeply to be read"
            else:
                reason, why = "internal_error", f"the privacy check failed ({type(e).__name__})"
            if self.on_error == "pass":
                self.stats.passed_on_error += 1
                self._event(flow, adapter.name, "passed_unprotected", reason=reason)
                log.warning("doppel: %s on %s; passing the request UNPROTECTED (--on-error pass)",
                            reason, adapter.name)
                return None
            sentence = (f"Doppel blocked this request to {host}: {why}, so it could not be "
                        "checked for private data. Nothing was sent.")
        self.stats.blocked += 1
        self._event(flow, "", "blocked", reason=reason,
                    categories={extra["category"]: 1} if "category" in extra else {})
        log.warning("doppel: blocked a request (%s)", reason)
        return reason, sentence, extra

    def _event(self, flow: http.HTTPFlow, adapter: str, outcome: str, **fields: Any) -> None:
        if self.events is not None:
            self.events.record(host=flow.request.pretty_host, adapter=adapter,
                               outcome=outcome, request=flow.metadata.get(REQUEST_KEY, ""),
                               **{"conversation": "", **fields})

    # --- response ---
    def _context(self, state: FlowState, request: http.Request) -> ResponseContext:
        return ResponseContext(scope=state.scope, restorer_for=self.protector.restorer,
                               rebind_scope=self.rebind_scope, _restorer=state.restorer,
                               request=request)

    async def responseheaders(self, flow: http.HTTPFlow) -> None:
        shadow: FlowState | None = flow.metadata.get(SHADOW_METADATA_KEY)
        if shadow is not None and flow.response is not None:
            if self.count_headers and not shadow.adapter.web_app:
                # For API clients that asked: nothing was replaced; this many would have been.
                # (The extension counts from the control server's events, never from headers.)
                flow.response.headers["x-doppel-shadow"] = str(shadow.replaced)
                flow.response.headers["x-doppel-categories"] = _categories_header(shadow)
            return
        state: FlowState | None = flow.metadata.get(METADATA_KEY)
        response = flow.response
        if state is not None and response is not None and self.count_headers \
                and not state.adapter.web_app:
            # For API clients that asked (--count-headers): counts, never values. A chat web
            # app's page could read them and tell its provider what was replaced.
            response.headers["x-doppel-replaced"] = str(state.replaced)
            response.headers["x-doppel-categories"] = _categories_header(state)
        if state is None or response is None or not state.adapter.is_stream(response):
            return
        decode = stream_decoder(response.headers.get("content-encoding", ""))
        if decode is None:
            log.warning("doppel: unknown content-encoding on a %s stream; not restored",
                        state.adapter.name)
            return
        ctx_ = self._context(state, flow.request)
        if state.restorer is None:
            loop = asyncio.get_running_loop()
            state.restorer = await loop.run_in_executor(self.executor, self.protector.restorer,
                                                        state.scope)
        ctx_._restorer = state.restorer
        rewriter = state.adapter.response_rewriter(response, ctx_)
        if rewriter is None:
            return
        response.headers.pop("content-encoding", None)
        response.headers.pop("content-length", None)
        if response.http_version.startswith("HTTP/1") and "transfer-encoding" not in response.headers:
            response.headers["transfer-encoding"] = "chunked"
        response.stream = _DecodedStream(decode, rewriter)

    async def response(self, flow: http.HTTPFlow) -> None:
        state: FlowState | None = flow.metadata.get(METADATA_KEY)
        response = flow.response
        if state is None or response is None or response.stream:
            return
        body = response.get_content(strict=False)
        if not body:
            return
        loop = asyncio.get_running_loop()
        try:
            new = await loop.run_in_executor(self.executor, self._restore_body, state,
                                             flow.request, response, body)
        except Exception as e:  # noqa: BLE001 - the reply still reaches the client, unrestored
            log.warning("doppel: could not restore a %s reply (%s); passing it as is",
                        state.adapter.name, type(e).__name__)
            return
        if new is not None and new != body:
            response.set_content(new)

    def error(self, flow: http.HTTPFlow) -> None:
        """A protected flow that failed after it went upstream (the upstream closed mid-reply,
        never answered and the client gave up, ...): say so in the log. mitmproxy's own message
        names the connection problem, never body text."""
        state: FlowState | None = flow.metadata.get(METADATA_KEY)
        if state is None or flow.error is None:
            return
        log.warning("doppel: the %s reply did not complete: %s", state.adapter.name,
                    _first_line(flow.error.msg)[:200])

    def _restore_body(self, state: FlowState, request: http.Request, response: http.Response,
                      body: bytes) -> bytes | None:
        rewriter = state.adapter.response_rewriter(response, self._context(state, request))
        if rewriter is None:
            return None
        return rewriter.feed(body) + rewriter.finish()

    def done(self) -> None:
        if isinstance(self.executor, ThreadPoolExecutor):
            self.executor.shutdown(wait=False, cancel_futures=True)


class _DecodedStream:
    """flow.response.stream callable: decode content-encoding, then rewrite."""

    def __init__(self, decode, rewriter: ResponseRewriter) -> None:
        self.decode = decode
        self.rewriter = rewriter

        self.failed = False

    def __call__(self, data: bytes) -> list[bytes]:
        # A list, never b"": mitmproxy writes an empty HTTP/1 chunk for b"", which is the
        # chunked-encoding END marker and would cut the reply short.
        decoded = b""
        try:
            decoded = self.decode(data)
            if self.failed:  # after an error, pass the rest through rather than cut the reply
                out = decoded
            elif data:
                out = self.rewriter.feed(decoded)
            else:
                out = (self.rewriter.feed(decoded) if decoded else b"") + self.rewriter.finish()
        except Exception as e:  # noqa: BLE001 - a broken stream must not kill the connection
            log.warning("doppel: could not restore a streamed reply (%s); passing the rest as is",
                        type(e).__name__)
            self.failed = True
            out = decoded  # the chunk it failed on goes out too (what the rewriter held is lost)
        return [out] if out else []


def _categories_header(state: FlowState) -> str:
    return ",".join(f"{cat}={n}" for cat, n in sorted(state.categories.items()))


def _choices_problem(name: str, choices: tuple[str, ...]) -> str:
    return f"{name} must be one of {', '.join(choices)}"


def _on_error_problem(name: str) -> str:
    return _choices_problem(name, ON_ERROR_CHOICES)


def _first_line(e: object) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
