"""Claude.ai web app: completions, titles, renames, history and the conversation list.

Requests under /api/organizations/{org}/chat_conversations (docs/architecture.md#wire-formats),
matched by family (base.family_path), any method with a body:
- POST {id}/completion and {id}/retry_completion: `prompt` and attachments[].extracted_content
  (long pastes become attachments); personalized_styles[] (a style the user wrote: profile
  text, protected in the profile scope, proxy/profiles.py);
- POST {id}/title: message_content and recent_titles[] (titles Doppel restored to real values);
- PUT {id} / POST chat_conversations: a conversation `name` typed by the user;
- any other request with a body there ({id}/append_message from the Android app, ...);
  every body is then read whole (default-deny, STRUCTURE): create_conversation_params.name,
  file names, unknown keys;
- GET {id} (history) and GET chat_conversations (list): restore their texts.
Projects (their documents and instructions), styles and the account's preferences are profile
text (``profile_paths``): generic protection in the profile scope (proxy/sites/generic.py).
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
                              carries_body, family_path, json_body)
from proxy.sites.channels import TextChannels, channel_key
from proxy.sites.jsonwalk import TextSlots
from proxy.sites.json_api import WebJsonAdapter
from proxy.sites.restore_walk import NO_JSON_KEYS, JsonBodyRewriter, restore_json, restore_listed
from proxy.profiles import profile_scope
from proxy.sites.stream import SseEvent, SseRewriter, dumps
from proxy.sites.structure import BASE_KEYS, Structure

SCOPE_PREFIX = "claude-web:"
_ORG = r"^/api/(?:organizations/)?[^/]+"
_BASE = _ORG + r"/chat_conversations"
_IN_ONE = re.compile(_BASE + r"/([^/]+)(?:/.*)?$")  # {id} and everything under it
_ONE = re.compile(_BASE + r"/([^/]+)$")
_LIST = re.compile(_BASE + r"$")
PROFILE = re.compile(_ORG + r"/(projects|styles|personalized_styles)(/|$)"
                     r"|^/api/account(_profile)?(/|$)")

STRUCTURE = Structure(keys=BASE_KEYS | frozenset({
    "rendering_mode", "file_type", "files", "sync_sources",  # settings and file ids
    "key", "nameKey"}),  # a built-in style's ids
    name_types=frozenset())  # tools are named under "tools"; a "custom" style's name is text
"""Claude web's structure: everything else in a request body is text (default-deny)."""
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
    scope_prefix = SCOPE_PREFIX
    profile_paths = PROFILE

    def match(self, request: http.Request) -> bool:
        if not self.on_own_host(request):
            return False
        path = family_path(request)
        if carries_body(request):
            return bool(_IN_ONE.match(path) or _LIST.match(path))
        return request.method == "GET" and bool(_ONE.match(path) or _LIST.match(path))

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
                elif isinstance(item, (list, str)):
                    slots.add(items, i)  # a title, or an unexpected nested list: its strings
        styles = body.get("personalized_styles")
        if isinstance(styles, list):  # written once, sent with every turn: profile text
            for style in styles:
                if isinstance(style, dict) and style.get("type") == "default":
                    for key in ("name", "prompt", "summary"):  # a built-in style: Claude's words
                        if isinstance(style.get(key), str):
                            slots.exempt(style, key)
            slots.set_scope(profile_scope(SCOPE_PREFIX))
            slots.cover(body, "personalized_styles", STRUCTURE)
            slots.set_scope(None)
        # Everything else (file names, create_conversation_params, unknown keys) is read here.
        slots.cover_body(body, STRUCTURE)
        return slots

    def scope(self, request: http.Request) -> str:
        path = family_path(request)
        m = _IN_ONE.match(path)
        if m:
            return conversation_scope(m.group(1))
        body = json_body(request) if carries_body(request) else None
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
