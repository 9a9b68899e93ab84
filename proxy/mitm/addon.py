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
                  ``flow.response.stream`` to the adapter's rewriter.
  response        whole replies: restore the body.
  websocket_message  the Responses API's WebSocket mode (proxy/mitm/addon_ws.py).
Logs name adapters, categories and counts, never values.
"""
from __future__ import annotations

import asyncio
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
from proxy.sites import find_adapter, load_adapters
from proxy.sites.base import (RequestFormatError, ResponseContext, ResponseRewriter, SiteAdapter,
                              TextRun)
from proxy.sites.bodies import QueryTexts
from proxy.sites.generic import GenericAdapter
from proxy.sites.untouched import untouched_reason
from proxy.mitm.addon_ws import ResponsesWebSocketHooks
from proxy.vault.errors import VaultError

log = logging.getLogger("doppel.addon")

METADATA_KEY = "doppel"

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


@dataclass
class Stats:
    """Counters for /health and the extension badge: counts and categories only."""
    protected_requests: int = 0
    replaced: int = 0
    blocked: int = 0
    passed_on_error: int = 0
    categories: dict[str, int] = field(default_factory=dict)


def blocked_response(reason: str, sentence: str, **extra: Any) -> http.Response:
    """The 502 a client gets when Doppel refuses to send a request (OpenAI/Anthropic-ish shape,
    so SDKs surface the sentence as the error message)."""
    error = {"type": "doppel_blocked", "code": reason, "message": sentence, **extra}
    body = json.dumps({"type": "error", "error": error}).encode()
    return http.Response.make(502, body, {"content-type": "application/json",
                                          "x-doppel-blocked": reason})


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
                 settings=None, events=None) -> None:
        """``settings``: a proxy.settings.SettingsStore (per-site/global on-off, read on every
        request); ``events``: a proxy.control.events.EventLog (counts for the popup and badge)."""
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
        state = FlowState(adapter, adapter.scope(work), texts=len(texts))
        protected = self._protect_runs(texts, runs, state)
        if protected[:len(body)] != body:  # unchanged bodies keep their bytes
            adapter.rewrite(work, protected[:len(body)])
        if protected[len(body):] != texts[len(body):]:
            query.write(work, protected[len(body):])
        state.restorer = self.protector.restorer(state.scope)
        return work, state

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
                    cat = str(r.span.category)
                    state.categories[cat] = state.categories.get(cat, 0) + 1
                state.replaced += len(p.replacements)
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
        try:
            work, state = await self._protect_async(adapter, flow.request)
        except Exception as e:  # noqa: BLE001 - fail closed
            refusal = self._refusal(flow, adapter, e)
            if refusal is not None:
                reason, sentence, extra = refusal
                flow.response = blocked_response(reason, sentence, **extra)
            return
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
        self.stats.protected_requests += 1
        self.stats.replaced += state.replaced
        for cat, n in state.categories.items():
            self.stats.categories[cat] = self.stats.categories.get(cat, 0) + n
        self._event(flow, state.adapter.name, "protected", conversation=state.scope,
                    categories=state.categories, replaced=state.replaced)
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
                               outcome=outcome, **{"conversation": "", **fields})

    # --- response ---
    def _context(self, state: FlowState) -> ResponseContext:
        return ResponseContext(scope=state.scope, restorer_for=self.protector.restorer,
                               rebind_scope=self.rebind_scope, _restorer=state.restorer)

    async def responseheaders(self, flow: http.HTTPFlow) -> None:
        state: FlowState | None = flow.metadata.get(METADATA_KEY)
        response = flow.response
        if state is not None and response is not None:
            # For the extension's badge (it reads response headers): counts, never values.
            response.headers["x-doppel-replaced"] = str(state.replaced)
            response.headers["x-doppel-categories"] = ",".join(
                f"{cat}={n}" for cat, n in sorted(state.categories.items()))
        if state is None or response is None or not state.adapter.is_stream(response):
            return
        decode = stream_decoder(response.headers.get("content-encoding", ""))
        if decode is None:
            log.warning("doppel: unknown content-encoding on a %s stream; not restored",
                        state.adapter.name)
            return
        ctx_ = self._context(state)
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
            new = await loop.run_in_executor(self.executor, self._restore_body, state, response,
                                             body)
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

    def _restore_body(self, state: FlowState, response: http.Response, body: bytes) -> bytes | None:
        rewriter = state.adapter.response_rewriter(response, self._context(state))
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


def _choices_problem(name: str, choices: tuple[str, ...]) -> str:
    return f"{name} must be one of {', '.join(choices)}"


def _on_error_problem(name: str) -> str:
    return _choices_problem(name, ON_ERROR_CHOICES)


def _first_line(e: object) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
