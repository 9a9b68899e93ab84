"""The shared defaults of the adapters whose requests are one JSON body.

``JsonApiAdapter``: the JSON APIs (OpenAI chat and Responses, Anthropic, Ollama).

Those wire formats differ only in where the texts sit in the body, what its history of messages
is, and how a streamed reply is framed. A subclass names its ``paths`` and implements ``slots``
and ``history`` (and ``stream_rewriter``); matching, reading, rewriting, the scope (found through
the history: proxy/sites/scope.py) and the choice between a streamed and a whole-body rewriter
are done once, here.

``WebJsonAdapter``: chat web apps (ChatGPT, Claude) whose GET reads carry no user text and
whose other requests are a JSON object; a subclass implements ``body_slots``.
"""
from __future__ import annotations

import copy
from abc import abstractmethod
from typing import Any

from mitmproxy import http

from proxy.sites import is_web_host
from proxy.sites.scope import PrefixScopes, PrefixStore, client_id
from proxy.sites.base import (RequestFormatError, ResponseContext, ResponseRewriter, SiteAdapter,
                              TextRun, carries_body, family_path, json_body, set_json_body)
from proxy.sites.channels import TextChannels
from proxy.sites.jsonwalk import TextSlots
from proxy.sites.restore_walk import JsonBodyRewriter


def messages_of(body: Any) -> list:
    """``body["messages"]`` of a chat body; RequestFormatError if the shape is not that."""
    if not isinstance(body, dict):
        raise RequestFormatError("the body is not a JSON object")
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise RequestFormatError("'messages' is missing or not a list")
    return messages


class JsonApiAdapter(SiteAdapter):
    """A request with one JSON body on an API host (never a chat web app's host): any method
    that carries a body, to a path whose family (base.family_path: any case, ``;params``,
    encoded slashes) ends with one of ``paths``."""

    paths: tuple[str, ...] = ()  # the request's family path ends with one of these

    def __init__(self, prefixes: PrefixStore | None = None) -> None:
        self.prefixes = PrefixScopes(prefixes)

    def with_continuations(self, store: PrefixStore) -> "JsonApiAdapter":
        """A copy whose history prefixes are kept in ``store`` (the Runtime, over the vault:
        restart-safe); the module's ADAPTER keeps them in memory."""
        other = copy.copy(self)
        other.prefixes = PrefixScopes(store)
        return other

    @abstractmethod
    def slots(self, body: Any, request: http.Request) -> TextSlots:
        """The texts of a parsed body (RequestFormatError if the body is not this format)."""

    @abstractmethod
    def history(self, body: Any, request: http.Request) -> list[Any]:
        """The conversation so far, one JSON value per message as the client sent it, oldest
        first (the system prompt counts as one): its prefixes find the scope."""

    @abstractmethod
    def stream_rewriter(self, channels: TextChannels) -> ResponseRewriter:
        """The rewriter of a streamed reply (SSE or NDJSON)."""

    def skip(self, node: dict) -> bool:
        """Sub-trees of a whole reply left untouched (Anthropic's signed thinking)."""
        return False

    def match(self, request: http.Request) -> bool:
        return (not is_web_host(request.pretty_host) and carries_body(request)
                and family_path(request).endswith(self.paths))

    def texts(self, request: http.Request) -> list[str]:
        return self.slots(json_body(request), request).texts()

    def text_runs(self, request: http.Request, count: int) -> list[TextRun]:
        return self.slots(json_body(request), request).runs()

    def rewrite(self, request: http.Request, protected: list[str]) -> None:
        body = json_body(request)
        self.slots(body, request).write(protected)
        set_json_body(request, body)

    def scope(self, request: http.Request) -> str:
        return self.prefixes.scope_for(client_id(request), self.history(json_body(request), request))

    def response_rewriter(self, response: http.Response,
                          ctx: ResponseContext) -> ResponseRewriter | None:
        if self.is_stream(response):
            return self.stream_rewriter(TextChannels(ctx.restorer))
        return JsonBodyRewriter(ctx.restorer, skip=self.skip)


class WebJsonAdapter(SiteAdapter):
    """A chat web app's JSON requests: reads without a body carry no user text, anything else
    has a JSON object body whose texts ``body_slots`` registers (declared slots, then
    ``TextSlots.cover`` with the app's structure: default-deny)."""

    label: str = "the"  # names the app in error messages ("the ChatGPT request body ...")
    web_app = True

    @abstractmethod
    def body_slots(self, body: dict, request: http.Request) -> TextSlots:
        """The texts of a parsed request body (RequestFormatError if it is not this format)."""

    def _slots(self, request: http.Request) -> tuple[dict | None, TextSlots]:
        if not carries_body(request):
            return None, TextSlots()
        body = json_body(request)
        if not isinstance(body, dict):
            raise RequestFormatError(f"the {self.label} request body is not a JSON object")
        return body, self.body_slots(body, request)

    def texts(self, request: http.Request) -> list[str]:
        return self._slots(request)[1].texts()

    def text_runs(self, request: http.Request, count: int) -> list[TextRun]:
        return self._slots(request)[1].runs()

    def rewrite(self, request: http.Request, protected: list[str]) -> None:
        body, slots = self._slots(request)
        if body is None:
            return
        slots.write(protected)
        set_json_body(request, body)
