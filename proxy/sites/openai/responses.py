"""OpenAI Responses API (POST .../responses; its WebSocket mode is openai_responses_ws.py).

Request texts: instructions; input as a string, or items: messages whose content is a string or
parts (input_text / output_text .text; one run per message, consecutive user messages together),
function_call.arguments (JSON in a string), function_call_output.output (a string or parts);
then everything else but STRUCTURE (default-deny, proxy/sites/structure.py): tools and their
descriptions, reasoning summaries, annotations, metadata, prompt variables, unknown items and
keys. A WebSocket ``response.create`` whose create fields are nested under "response" is read
the same way.
Streamed reply: SSE events named by "type". Every "*.delta" event feeds the restorer of its
channel (event kind + item + content/summary index); the matching "*.done" first emits what that
channel still holds (an extra delta event, later sequence numbers shifted by one), then every
full copy of the text is restored: output_text.done, content_part.done, output_item.done and
response.completed (or incomplete/failed) all repeat it. No [DONE] here.
``ResponsesEvents`` does this per event (a dict), so the SSE stream here and the WebSocket mode
share it.

Scope: found through the history (instructions and input items: proxy/sites/scope.py), except
where the request names its conversation: a ``previous_response_id`` continuation sends only the
new turn, so it lands in the scope of the response it continues (remembered from the replies
Doppel restored: their ``response.id``, for the same client only, and kept in the vault when the
adapter is given one, so a conversation continued after a restart keeps its stand-ins; a
response Doppel never saw falls back to the history's scope), and a ``conversation`` id gives a
scope of its own.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Protocol

from cachetools import LRUCache
from mitmproxy import http

from proxy.sites.scope import PrefixStore, api_scope, client_id
from proxy.sites.base import (RequestFormatError, ResponseContext, ResponseRewriter, RestorerLike,
                              json_body)
from proxy.sites.channels import TextChannels
from proxy.sites.json_api import JsonApiAdapter
from proxy.sites.jsonwalk import MessageRuns, TextSlots
from proxy.sites.openai.chat import STRUCTURE as CHAT_STRUCTURE, add_content
from proxy.sites.restore_walk import JsonBodyRewriter, restore_json
from proxy.sites.stream import SseEvent, SseRewriter, dumps, loads_or_none

STRUCTURE = CHAT_STRUCTURE.plus(
    keys=frozenset({"truncation", "include", "effort", "summary", "search_context_size",
                    "conversation", "server_label", "require_approval", "background"}),
    opaque=frozenset({"headers", "authorization"}),  # a tool server's credentials
    free=frozenset({"metadata", "variables"}))
"""The Responses API's structure: everything else in a body is text (default-deny)."""


def create_fields(body: Any) -> Any:
    """The create fields of a body: the body itself, or those nested under "response" in a
    WebSocket ``{"type": "response.create", "response": {...}}``."""
    if isinstance(body, dict) and isinstance(body.get("response"), dict) \
            and "input" not in body and "instructions" not in body:
        return body["response"]
    return body

_ARGUMENT_EVENTS = ("response.function_call_arguments", "response.custom_tool_call_input",
                    "response.mcp_call_arguments")


def _slots(whole) -> TextSlots:
    if not isinstance(whole, dict):
        raise RequestFormatError("the body is not a JSON object")
    slots = TextSlots()
    body = create_fields(whole)
    if "instructions" in body and body["instructions"] is not None:
        if not isinstance(body["instructions"], str):
            raise RequestFormatError("'instructions' is not a string")
        slots.add(body, "instructions")
    inp = body.get("input")
    if isinstance(inp, str):
        slots.add(body, "input")
    elif isinstance(inp, list):
        runs = MessageRuns(slots)
        for i, item in enumerate(inp):
            where = f"input[{i}]"
            if not isinstance(item, dict):
                raise RequestFormatError(f"{where} is not an object")
            kind = item.get("type", "message")
            if kind == "message":
                runs.open(item.get("role") == "user")
                add_content(slots, item, where)
                slots.end_run()
                continue
            runs.interrupt()
            if kind in ("function_call", "custom_tool_call"):
                for key in ("arguments", "input"):
                    if key in item:
                        slots.add_json_string(item, key)
            elif kind in ("function_call_output", "custom_tool_call_output"):
                out = item.get("output")
                if isinstance(out, str):
                    slots.add(item, "output")
                elif isinstance(out, list):
                    add_content(slots, {"content": out}, where + ".output")
                elif isinstance(out, dict):
                    slots.add(item, "output")  # an object instead of text: its strings
            # Any other item kind (reasoning summaries Doppel restored, computer_call_output, a
            # future kind) is read by cover below: its strings are protected.
    elif inp is not None:
        raise RequestFormatError("'input' is neither a string nor a list")
    slots.cover_body(whole, STRUCTURE)
    return slots


def _history(body) -> list:
    """Instructions, then the input items (a string input is one user message)."""
    if not isinstance(body, dict):
        return []
    body = create_fields(body)
    out = [{"instructions": body["instructions"]}] if body.get("instructions") else []
    inp = body.get("input")
    if isinstance(inp, str):
        out.append({"role": "user", "content": inp})
    elif isinstance(inp, list):
        out += inp
    return out


class ContinuationStore(PrefixStore, Protocol):
    """Where continuations (and history prefixes) outlive the process (proxy.vault.Vault,
    through the Runtime in proxy/mitm/runtime.py). A store handles its own storage failures (it
    logs them and remembers nothing / finds nothing), so this wire-format module knows no
    storage errors."""

    def remember_continuation(self, response_id: str, client: str, scope: str) -> None: ...

    def continued_scope(self, response_id: str, client: str) -> str | None: ...


class ResponseScopes:
    """response id -> the scope its conversation was protected in, and scope -> the client that
    owns it, both bounded (least recently used entries go first). Only the owning client can
    continue a conversation: another client naming the same response id gets a scope of its own.
    With a ``store``, every id is also written there and an id not in memory (say, from before
    a restart) is looked up there (a store that fails answers None: memory carries on).
    Thread-safe (requests are protected in worker threads)."""

    def __init__(self, max_entries: int = 20_000, store: ContinuationStore | None = None) -> None:
        self.max_entries = max_entries
        self.store = store
        # cachetools caches are not thread-safe: both are read and written under self._lock
        self._scopes: LRUCache[str, str] = LRUCache(max_entries)
        self._owners: LRUCache[str, str] = LRUCache(max_entries)
        self._lock = threading.Lock()

    def own(self, scope: str, client: str) -> None:
        with self._lock:
            self._owners[scope] = client

    def remember(self, response_id: str, scope: str) -> None:
        with self._lock:
            if self._scopes.get(response_id) == scope:
                return  # a stream names its response in several events: written once
            self._scopes[response_id] = scope
            client = self._owners.get(scope)
        if self.store is not None and client is not None:
            self.store.remember_continuation(response_id, client, scope)

    def scope_of(self, response_id: str, client: str) -> str | None:
        with self._lock:
            scope = self._scopes.get(response_id)
            if scope is not None:
                return scope if self._owners.get(scope) == client else None
        if self.store is None:
            return None
        scope = self.store.continued_scope(response_id, client)
        if scope is not None:
            with self._lock:
                self._scopes[response_id] = scope
                self._owners[scope] = client
        return scope



def _conversation_id(body: dict) -> str | None:
    conv = body.get("conversation")
    if isinstance(conv, dict):
        conv = conv.get("id")
    return conv if isinstance(conv, str) and conv else None


class OpenAIResponsesAdapter(JsonApiAdapter):
    name = "openai-responses"
    hosts = ("api.openai.com",)
    paths = ("/responses",)

    def __init__(self, continuations: ContinuationStore | None = None) -> None:
        super().__init__(continuations)
        self.response_scopes = ResponseScopes(store=continuations)

    def with_continuations(self, store: ContinuationStore) -> "OpenAIResponsesAdapter":
        """A new adapter whose continuations are kept in ``store`` (the module's ADAPTER stays
        in memory only, for whoever else uses it)."""
        return type(self)(store)

    def slots(self, body, request: http.Request) -> TextSlots:
        return _slots(body)

    def history(self, body, request: http.Request) -> list:
        return _history(body)

    def scope(self, request: http.Request) -> str:
        whole = json_body(request)
        body = create_fields(whole)
        client = client_id(request)
        scope = None
        if isinstance(body, dict):
            prev = body.get("previous_response_id")
            if str(whole.get("type")).lower() == "response.inject":  # WebSocket: added input
                prev = body.get("response_id")
            if isinstance(prev, str):
                scope = self.response_scopes.scope_of(prev, client)
            if scope is None and _conversation_id(body) is not None:
                scope = api_scope(request, "\x00conversation:" + _conversation_id(body))
        if scope is None:
            scope = self.prefixes.scope_for(client, _history(body))
        self.response_scopes.own(scope, client)
        return scope

    def stream_rewriter(self, channels: TextChannels) -> ResponseRewriter:
        return ResponsesStreamRewriter(channels)

    def response_rewriter(self, response: http.Response,
                          ctx: ResponseContext) -> ResponseRewriter | None:
        remember = lambda rid: self.response_scopes.remember(rid, ctx.scope)  # noqa: E731
        if self.is_stream(response):
            return ResponsesStreamRewriter(TextChannels(ctx.restorer), remember)
        return _ResponseBodyRewriter(ctx.restorer, remember)


class _ResponseBodyRewriter(JsonBodyRewriter):
    """A whole (non-streamed) response: restored, and its id remembered for continuations."""

    def __init__(self, restorer: RestorerLike, on_response_id: Callable[[str], None]) -> None:
        super().__init__(restorer)
        self.on_response_id = on_response_id

    def rewrite_json(self, body: Any) -> tuple[Any, bool]:
        if isinstance(body, dict) and body.get("object") == "response" \
                and isinstance(body.get("id"), str):
            self.on_response_id(body["id"])
        return super().rewrite_json(body)


def _channel(event: dict, prefix: str) -> tuple:
    return (prefix, event.get("item_id"), event.get("output_index"), event.get("content_index"),
            event.get("summary_index"))


_INDEX_KEYS = ("item_id", "output_index", "content_index", "summary_index")


class ResponsesEvents:
    """Restores one response's events, one parsed event (a dict) at a time.

    ``rewrite(obj)`` restores ``obj`` in place and returns the events to send just before it
    (the text a channel still held back, when that channel's ``.done`` arrives); ``flush_open``
    returns what channels that never got their ``.done`` still hold. Events inserted before a
    numbered event take its ``sequence_number``; later numbers move up by one each.
    ``on_response_id`` hears every response id seen (for ``previous_response_id``).
    """

    def __init__(self, channels: TextChannels,
                 on_response_id: Callable[[str], None] | None = None) -> None:
        self.channels = channels
        self.on_response_id = on_response_id
        self.seq_shift = 0  # events inserted so far (sequence numbers after them move up)

    def rewrite(self, obj: dict) -> tuple[list[dict], bool]:
        """(events to send first, whether ``obj`` changed); ``obj["type"]`` is a string."""
        kind = obj["type"]
        if kind == "response.created":  # a new response numbers its events from 0 again
            self.seq_shift = 0
        before: list[dict] = []
        changed = False
        response = obj.get("response")
        if self.on_response_id is not None and isinstance(response, dict) \
                and isinstance(response.get("id"), str):
            self.on_response_id(response["id"])
        if kind.endswith(".delta") and isinstance(obj.get("delta"), str):
            prefix = kind[: -len(".delta")]
            key = _channel(obj, prefix)
            if prefix in _ARGUMENT_EVENTS:
                new = self.channels.feed_json(key, obj["delta"])
            else:
                new = self.channels.feed(key, obj["delta"])
            changed = new != obj["delta"]
            obj["delta"] = new
        else:
            if kind.endswith(".done"):
                before = self._flush(obj, kind[: -len(".done")])
            _, changed = restore_json(obj, self.channels.restorer, in_place=True)
        changed |= self._shift(obj)
        return before, changed

    def _shift(self, obj: dict) -> bool:
        if self.seq_shift and isinstance(obj.get("sequence_number"), int):
            obj["sequence_number"] += self.seq_shift
            return True
        return False

    def _numbered(self, delta: dict, before: dict | None) -> dict:
        if before is not None and isinstance(before.get("sequence_number"), int):
            delta["sequence_number"] = before["sequence_number"] + self.seq_shift
            self.seq_shift += 1
        return delta

    def _flush(self, done: dict, prefix: str) -> list[dict]:
        text = self.channels.flush(_channel(done, prefix))
        if not text:
            return []
        delta = {"type": prefix + ".delta"}
        for k in _INDEX_KEYS:
            if k in done:
                delta[k] = done[k]
        delta["delta"] = text
        return [self._numbered(delta, done)]

    def flush_open(self, before: dict | None = None) -> list[dict]:
        """Every channel still open: its held-back text as a last delta (numbered from
        ``before``'s sequence number when given: the event they are sent ahead of)."""
        events = []
        for key in self.channels.open_keys():
            text = self.channels.flush(key)
            if text:
                prefix, item_id, out_i, content_i, summary_i = key
                delta = {"type": prefix + ".delta", "item_id": item_id, "output_index": out_i}
                if content_i is not None:
                    delta["content_index"] = content_i
                if summary_i is not None:
                    delta["summary_index"] = summary_i
                delta["delta"] = text
                events.append(self._numbered(delta, before))
        return events


class ResponsesStreamRewriter(SseRewriter):
    def __init__(self, channels: TextChannels,
                 on_response_id: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.events = ResponsesEvents(channels, on_response_id)

    @property
    def channels(self) -> TextChannels:
        return self.events.channels

    def _sse(self, objs: list[dict]) -> list[SseEvent]:
        return [SseEvent.make(dumps(o), event=o["type"], eol=self.eol) for o in objs]

    def on_event(self, event: SseEvent) -> list[SseEvent]:
        obj = loads_or_none(event.data)
        if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
            return [event]
        before, changed = self.events.rewrite(obj)
        return self._sse(before) + [event.with_data(dumps(obj)) if changed else event]

    def on_end(self) -> list[SseEvent]:
        return self._sse(self.events.flush_open())


ADAPTER = OpenAIResponsesAdapter()
