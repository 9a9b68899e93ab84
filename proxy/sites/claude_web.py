"""Claude.ai web app: completions, titles, renames, history and the conversation list.

Requests under /api/organizations/{org}/chat_conversations (docs/architecture.md#wire-formats):
- POST {id}/completion and {id}/retry_completion: `prompt` and attachments[].extracted_content
  (long pastes become attachments).
- POST {id}/title: message_content and recent_titles[] (titles Doppel restored to real values).
- PUT {id} / POST chat_conversations: a conversation `name` typed by the user.
- GET {id} (history) and GET chat_conversations (list): restore their texts.
Scope: "claude-web:<conversation uuid>" (the client creates the uuid before the first turn).
The completion reply is SSE like Anthropic's messages API (message_start, content_block_start,
content_block_delta with text/thinking/input_json/citation deltas, content_block_stop,
message_delta, message_stop) plus message_limit events and `: ping` comments, which pass as-is.
"""
from __future__ import annotations

import json
import re
from typing import Any

from mitmproxy import http

from proxy.sites.base import (RequestFormatError, ResponseContext, ResponseRewriter,
                              json_body, path_only)
from proxy.sites.channels import TextChannels, channel_key
from proxy.sites.jsonwalk import TextSlots
from proxy.sites.json_api import WebJsonAdapter
from proxy.sites.restore_walk import NO_JSON_KEYS, JsonBodyRewriter, restore_json, restore_listed
from proxy.sites.stream import SseEvent, SseRewriter, dumps

SCOPE_PREFIX = "claude-web:"
_BASE = r"^/api/organizations/[^/]+/chat_conversations"
_TURN = re.compile(_BASE + r"/([^/]+)/(completion|retry_completion)$")
_TITLE = re.compile(_BASE + r"/([^/]+)/title$")
_ONE = re.compile(_BASE + r"/([^/]+)$")
_LIST = re.compile(_BASE + r"$")
# Which delta field carries a block's text, by delta type.
_DELTA_TEXT = {"text_delta": "text", "thinking_delta": "thinking",
               "input_json_delta": "partial_json"}
_BLOCK_DELTA = {"text": "text_delta", "thinking": "thinking_delta", "tool_use": "input_json_delta"}


def conversation_scope(conversation_id: str) -> str:
    return SCOPE_PREFIX + conversation_id


def _restore(value: Any, restorer) -> tuple[Any, bool]:
    """A copy of a complete value with every string restored whole."""
    return restore_json(value, restorer, json_keys=NO_JSON_KEYS)


class ClaudeSseRewriter(SseRewriter):
    """One completion stream: one text channel per content block."""

    def __init__(self, ctx: ResponseContext) -> None:
        super().__init__()
        self.channels = TextChannels(ctx.restorer)
        self.restorer = ctx.restorer
        self.block_types: dict[int, str] = {}

    def on_event(self, event: SseEvent) -> list[SseEvent]:
        data = event.data
        try:
            obj = json.loads(data) if data else None
        except (ValueError, RecursionError):
            return [event]  # not JSON: nothing of ours in it
        if not isinstance(obj, dict):
            return [event]
        kind = obj.get("type")
        if kind == "content_block_delta":
            return self._delta(event, obj)
        if kind == "content_block_start":
            return self._start(event, obj)
        if kind == "content_block_stop":
            return self._flush_block(obj.get("index")) + [event]
        if kind == "completion":  # the older claude.ai stream: {"completion": "<delta>"}
            return self._completion(event, obj)
        if kind in ("message_stop", "message_delta"):
            return self._flush_all() + [event]
        restored, changed = _restore(obj, self.restorer)
        return [event.with_data(dumps(restored)) if changed else event]

    def on_end(self) -> list[SseEvent]:
        return self._flush_all()

    def _start(self, event: SseEvent, obj: dict) -> list[SseEvent]:
        index, block = obj.get("index"), obj.get("content_block")
        if not isinstance(block, dict):
            return [event]
        kind = block.get("type") if isinstance(block.get("type"), str) else ""
        self.block_types[channel_key(index)] = kind
        field = {"text": "text", "thinking": "thinking"}.get(kind)
        if field and isinstance(block.get(field), str) and block[field]:
            new = {**block, field: self.channels.feed(index, block[field])}
            return [event.with_data(dumps({**obj, "content_block": new}))]
        return [event]

    def _delta(self, event: SseEvent, obj: dict) -> list[SseEvent]:
        index, delta = obj.get("index"), obj.get("delta")
        if not isinstance(delta, dict):
            return [event]
        field = _DELTA_TEXT.get(delta["type"]) if isinstance(delta.get("type"), str) else None
        if field and isinstance(delta.get(field), str):
            feed = self.channels.feed_json if field == "partial_json" else self.channels.feed
            new = {**delta, field: feed(index, delta[field])}
        elif delta.get("type") == "signature_delta":
            return [event]  # signed bytes: never touched
        else:  # citation_start_delta, thinking_summary_delta...: whole texts
            new = _restore(delta, self.restorer)[0]
        if new == delta:
            return [event]
        return [event.with_data(dumps({**obj, "delta": new}))]

    def _flush_block(self, index: Any) -> list[SseEvent]:
        tail = self.channels.flush(index)
        if not tail:
            return []
        delta_type = _BLOCK_DELTA.get(self.block_types.get(channel_key(index), "text"),
                                      "text_delta")
        delta = {"type": delta_type, _DELTA_TEXT[delta_type]: tail}
        data = {"type": "content_block_delta", "index": index, "delta": delta}
        return [SseEvent.make(dumps(data), "content_block_delta", self.eol)]

    def _completion(self, event: SseEvent, obj: dict) -> list[SseEvent]:
        text = obj.get("completion")
        if not isinstance(text, str):
            return [event]
        out = self.channels.feed("completion", text)
        if obj.get("stop_reason") is not None:
            out += self.channels.flush("completion")
        return [event.with_data(dumps({**obj, "completion": out}))]

    def _flush_all(self) -> list[SseEvent]:
        out = []
        for key in self.channels.open_keys():
            if key == "completion":
                tail = self.channels.flush(key)
                if tail:
                    data = {"type": "completion", "completion": tail, "stop_reason": None}
                    out.append(SseEvent.make(dumps(data), "completion", self.eol))
            else:
                out += self._flush_block(key)
        return out


class ClaudeJsonRewriter(JsonBodyRewriter):
    """History (one conversation) or the conversation list (each item in its own scope)."""

    def __init__(self, ctx: ResponseContext) -> None:
        super().__init__()
        self.ctx = ctx

    def rewrite_json(self, body: Any) -> tuple[Any, bool]:
        if isinstance(body, list):
            return restore_listed(body, "uuid", self.ctx.restorer_for, conversation_scope)
        return _restore(body, self.ctx.restorer)


class ClaudeWeb(WebJsonAdapter):
    name = "claude-web"
    label = "Claude"
    hosts = ("claude.ai",)

    def match(self, request: http.Request) -> bool:
        if not self.on_own_host(request):
            return False
        path = path_only(request)
        if request.method == "POST":
            return bool(_TURN.match(path) or _TITLE.match(path) or _LIST.match(path))
        if request.method in ("PUT", "PATCH"):
            return bool(_ONE.match(path))
        if request.method == "GET":
            return bool(_ONE.match(path) or _LIST.match(path))
        return False

    def body_slots(self, body: dict, request: http.Request) -> TextSlots:
        slots = TextSlots()
        for key in ("prompt", "name", "message_content"):
            if key in body:
                if not isinstance(body[key], str):
                    raise RequestFormatError(f"Claude '{key}' is not a string")
                slots.add(body, key)
        for key in ("attachments", "recent_titles"):
            items = body.get(key) or []
            if not isinstance(items, list):
                raise RequestFormatError(f"Claude '{key}' is not a list")
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    if "extracted_content" in item:
                        slots.add(item, "extracted_content")  # a container: its strings
                    # file names and anything unexpected: protected too, never sent unchecked
                    slots.add_unknown(item, skip=frozenset({"extracted_content"}))
                elif isinstance(item, list):
                    slots.add(items, i)  # an unexpected nested list: its strings
                elif isinstance(item, str):
                    slots.add(items, i)
        return slots

    def scope(self, request: http.Request) -> str:
        path = path_only(request)
        for pattern in (_TURN, _TITLE, _ONE):
            m = pattern.match(path)
            if m:
                return conversation_scope(m.group(1))
        body = json_body(request) if request.method == "POST" else None
        cid = body.get("uuid") if isinstance(body, dict) else None
        if isinstance(cid, str) and cid:  # creating a conversation: the client names its uuid
            return conversation_scope(cid)
        return SCOPE_PREFIX + "list"  # unused: each listed conversation has its own scope

    def response_rewriter(self, response: http.Response,
                          ctx: ResponseContext) -> ResponseRewriter | None:
        if self.is_stream(response):
            return ClaudeSseRewriter(ctx)
        if "json" in response.headers.get("content-type", "").lower():
            return ClaudeJsonRewriter(ctx)
        return None


ADAPTER = ClaudeWeb()
