"""Generic protection: a request on a chat host that no adapter reads and that is not on the
short list of endpoints carrying no user text (untouched.py).

Its body is read by content type (bodies.BodyTexts: JSON leaves, form values with JSON inside
walked, text, multipart text fields and file names; files pass) and every text is protected,
or it is blocked when it cannot be read. The addon adds the query string (bodies.QueryTexts).
`doppel start --on-unknown pass` turns this off: such requests then pass as they came.

Scope: on a web app's host, its profile scope for the endpoints that store profile text
(``SiteAdapter.profile_paths``: custom instructions, memories, project documents), else the
site's scope for everything else it stores ("<prefix>~site", linked to the profile like every
scope of the site, proxy/profiles.py); on an API host, one scope per client (the legacy
completions, embeddings, threads and batches of one API key share their stand-ins).
Replies: JSON bodies and SSE/NDJSON events have every string restored whole (a stand-in cut
across two events of an unknown stream is not restored), text bodies too; others pass.
"""
from __future__ import annotations

from mitmproxy import http

from proxy.profiles import profile_scope, site_scope
from proxy.sites.base import (ResponseContext, ResponseRewriter, SiteAdapter, TextRun,
                              family_path)
from proxy.sites.bodies import BodyTexts
from proxy.sites.restore_walk import JsonBodyRewriter, restore_json
from proxy.sites.scope import api_scope
from proxy.sites.stream import (LineRewriter, SseEvent, SseRewriter, WholeBodyRewriter, dumps,
                                loads_or_none)


class GenericAdapter(SiteAdapter):
    """Not in ADAPTER_MODULES: the addon falls back to it (module docstring). ``adapters``: the
    site adapters, to name a web app's scopes."""

    name = "generic"

    def __init__(self, adapters: list[SiteAdapter], scope: str | None = None) -> None:
        self.web_apps = [a for a in adapters if a.web_app]
        self.fixed_scope = scope

    def in_scope(self, scope: str) -> "GenericAdapter":
        """The same reading, in a given scope (a WebSocket frame in its socket's scope)."""
        adapter = GenericAdapter([], scope)
        adapter.web_apps = self.web_apps
        return adapter

    def match(self, request: http.Request) -> bool:
        return True

    def prepare(self, request: http.Request) -> None:
        pass  # any encoding: replies are decoded before they are restored

    def texts(self, request: http.Request) -> list[str]:
        return BodyTexts(request).texts()

    def text_runs(self, request: http.Request, count: int) -> list[TextRun]:
        return BodyTexts(request).runs()

    def rewrite(self, request: http.Request, protected: list[str]) -> None:
        BodyTexts(request).write(request, protected)

    def scope(self, request: http.Request) -> str:
        if self.fixed_scope is not None:
            return self.fixed_scope
        web = next((a for a in self.web_apps if a.on_own_host(request)), None)
        if web is None:
            return api_scope(request, "\x00generic")
        if web.profile_paths is not None and web.profile_paths.search(family_path(request)):
            return profile_scope(web.scope_prefix)
        return site_scope(web.scope_prefix)

    def response_rewriter(self, response: http.Response,
                          ctx: ResponseContext) -> ResponseRewriter | None:
        ctype = response.headers.get("content-type", "").lower()
        if "event-stream" in ctype:
            return _SseEvents(ctx)
        if self.is_stream(response):
            return _JsonLines(ctx)
        if "json" in ctype:
            return JsonBodyRewriter(ctx.restorer)
        if ctype.startswith("text/plain"):
            return _Text(ctx)
        return None


def _restore_data(data: str, ctx: ResponseContext) -> str:
    obj = loads_or_none(data)
    if obj is None:
        return ctx.restorer.restore(data)
    new, changed = restore_json(obj, ctx.restorer)
    return dumps(new) if changed else data


class _SseEvents(SseRewriter):
    def __init__(self, ctx: ResponseContext) -> None:
        super().__init__()
        self.ctx = ctx

    def on_event(self, event: SseEvent) -> list[SseEvent]:
        data = event.data
        if not data:
            return [event]
        new = _restore_data(data, self.ctx)
        return [event if new == data else event.with_data(new)]


class _JsonLines(LineRewriter):
    def __init__(self, ctx: ResponseContext) -> None:
        super().__init__()
        self.ctx = ctx

    def on_line(self, line: str) -> str:
        return _restore_data(line, self.ctx) if line.strip() else line


class _Text(WholeBodyRewriter):
    def __init__(self, ctx: ResponseContext) -> None:
        super().__init__()
        self.ctx = ctx

    def rewrite_text(self, text: str) -> str:
        return self.ctx.restorer.restore(text)
