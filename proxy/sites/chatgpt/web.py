"""ChatGPT web app (chatgpt.com): turns, history, sidebar titles, the WebSocket handoff.

Requests (docs/architecture.md#wire-formats), matched by family (base.family_path; the
/backend-alt/ base is the same as /backend-api/):
- POST /backend-api/f/conversation (and /backend-api/conversation, .../prepare, .../resume;
  a resume {conversation_id, offset} goes on with the broken stream's turn: resume.py):
  user text in messages[].content.parts[] (the parts of one message, and consecutive user
  messages, form one run; image pointers are structure);
- PATCH /backend-api/conversation/{id} {"title": ...}: a rename carries user text too;
- any other request with a body under /backend-api/conversation(s) (feedback, ...);
  every body is then read whole (default-deny, STRUCTURE): message metadata, attachments' file
  names, unknown keys;
- GET /backend-api/conversation/{id} (history) and GET /backend-api/conversations (sidebar):
  nothing to protect; their responses carry stand-ins to restore.
- custom instructions (/backend-api/user_system_messages) and memories are profile text
  (``profile_paths``): generic protection in the profile scope (proxy/sites/generic.py,
  proxy/profiles.py); sentinel/anti-bot, sign-in, telemetry pass (proxy/sites/untouched.py).
Scope: "chatgpt-web:<conversation id>". A first turn has no id yet: it is protected under a
temporary scope named after the client's message id, and rebound to the real id as soon as
the response names it (ResponseContext.rebind -> Vault.rebind_scope).
"""
from __future__ import annotations

import re
import uuid
from typing import Any

from mitmproxy import http

from proxy.sites.base import (RequestFormatError, ResponseContext, ResponseRewriter, dumps_utf8,
                              carries_body, family_path, json_body)
from proxy.sites.chatgpt.delta import DeltaRewriter, Out
from proxy.sites.chatgpt.resume import TURNS
from proxy.sites.jsonwalk import MessageRuns, TextSlots
from proxy.sites.json_api import WebJsonAdapter
from proxy.sites.restore_walk import NO_JSON_KEYS, JsonBodyRewriter, restore_json, restore_listed
from proxy.sites.stream import SseEvent, SseRewriter
from proxy.sites.structure import BASE_KEYS, Structure

SCOPE_PREFIX = "chatgpt-web:"
_API = r"^/backend-(?:api|alt)"
_BODY = re.compile(_API + r"/(f/)?conversations?(/|$)")  # every request with a body here
_RESUME = re.compile(_API + r"/(f/)?conversation/resume$")
_ONE = re.compile(_API + r"/conversation/([0-9a-z-]{8,})$")
_LIST = re.compile(_API + r"/conversations$")
PROFILE = re.compile(_API + r"/(user_system_messages|memories)(/|$)")

STRUCTURE = Structure(keys=BASE_KEYS | frozenset({
    "action", "kind", "asset_pointer", "recipient", "channel",  # tags and pointers
    "supported_encodings", "system_hints"}))  # lists of encodings and tool names
"""ChatGPT web's structure: everything else in a request body is text (default-deny)."""


def conversation_scope(conversation_id: str) -> str:
    return SCOPE_PREFIX + conversation_id


def conversation_of(scope: str) -> str | None:
    """The conversation id a scope names (None for a first turn's temporary scope)."""
    if not scope.startswith(SCOPE_PREFIX) or scope.startswith(SCOPE_PREFIX + "new:"):
        return None
    return scope[len(SCOPE_PREFIX):] or None


class ChatGptSseRewriter(SseRewriter):
    """A turn's SSE stream (delta encoding v1 or full snapshots).

    ``carry_on``: this stream continues a turn begun in another flow (resume.py): the page
    received ``offset`` events of it (None: a WebSocket continuation, from where it stopped)."""

    def __init__(self, ctx: ResponseContext, *, carry_on: bool = False,
                 offset: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        cid = conversation_of(ctx.scope)
        kept = TURNS.take(cid, offset) if carry_on and cid else None
        if kept is not None:
            self.delta = kept.carry_on(ctx.restorer, self._conversation)
        else:
            self.delta = DeltaRewriter(ctx.restorer, on_conversation_id=self._conversation,
                                       delta_mode=carry_on)
        if cid:
            TURNS.keep(cid, self.delta)

    def _conversation(self, cid: str) -> None:
        self.ctx.rebind(conversation_scope(cid))
        TURNS.keep(cid, self.delta)

    def on_event(self, event: SseEvent) -> list[SseEvent]:
        return self._events(event, self.delta.event(event.event, event.data))

    def on_end(self) -> list[SseEvent]:
        """A delta stream that ends without [DONE] is broken: the page resumes it, so what is
        still held waits for the resume (resume.py). Anything else goes out now."""
        if self.delta.delta_mode:
            return []
        return self._events(None, self.delta.flush())

    def _events(self, event: SseEvent | None, outs: list[Out]) -> list[SseEvent]:
        result = []
        for out in outs:
            if out.own and event is not None:
                result.append(event if out.data is None else event.with_data(out.data))
            else:
                result.append(SseEvent.make(out.data, out.name, self.eol))
        return result


class ChatGptJsonRewriter(JsonBodyRewriter):
    """History, sidebar list and other JSON bodies, told apart by their shape."""

    def __init__(self, ctx: ResponseContext) -> None:
        super().__init__()
        self.ctx = ctx

    def dumps(self, body: Any) -> str:
        return dumps_utf8(body, separators=(", ", ": "))

    def rewrite_json(self, body: Any) -> tuple[Any, bool]:
        items = body.get("items") if isinstance(body, dict) else None
        if isinstance(items, list):  # the sidebar: each title belongs to its own conversation
            items, changed = restore_listed(items, "id", self.ctx.restorer_for, conversation_scope)
            return {**body, "items": items}, changed
        return restore_json(body, self.ctx.restorer, json_keys=NO_JSON_KEYS)


class ChatGptWeb(WebJsonAdapter):
    name = "chatgpt-web"
    label = "ChatGPT"
    hosts = ("chatgpt.com", "chat.openai.com")
    scope_prefix = SCOPE_PREFIX
    profile_paths = PROFILE

    def match(self, request: http.Request) -> bool:
        if not self.on_own_host(request):
            return False
        path = family_path(request)
        if carries_body(request):
            return bool(_BODY.match(path))
        return request.method == "GET" and bool(_LIST.match(path) or _ONE.match(path))

    def prepare(self, request: http.Request) -> None:
        request.headers["accept-encoding"] = "identity"
        request.headers["x-openai-web-sse-compression"] = "identity"

    def body_slots(self, body: dict, request: http.Request) -> TextSlots:
        slots = TextSlots()
        if "title" in body:  # a rename (PATCH .../conversation/{id})
            slots.add(body, "title")
        messages = body.get("messages", [])
        if not isinstance(messages, list):
            raise RequestFormatError("ChatGPT 'messages' is not a list")
        holders = list(messages)
        if body.get("partial_query") is not None:  # text typed so far, sent by /prepare
            holders.append(body["partial_query"])
        runs = MessageRuns(slots)
        for message in holders:
            if not isinstance(message, dict):
                raise RequestFormatError("a ChatGPT message is not an object")
            content = message.get("content") or {}
            parts = content.get("parts", []) if isinstance(content, dict) else content
            if not isinstance(parts, list):
                raise RequestFormatError("ChatGPT 'content.parts' is not a list")
            author = message.get("author")
            runs.open(isinstance(author, dict) and author.get("role") == "user")
            for i, part in enumerate(parts):
                if isinstance(part, (str, list)):
                    slots.add(parts, i)
            slots.end_run()
        # Everything else (dict parts such as voice transcripts, message metadata, attachment
        # names, unknown keys) is read by cover; image and file pointers are structure.
        slots.cover_body(body, STRUCTURE)
        return slots

    def scope(self, request: http.Request) -> str:
        path = family_path(request)
        one = _ONE.match(path)
        if one:
            return conversation_scope(one.group(1))
        if _LIST.match(path) and not carries_body(request):
            return SCOPE_PREFIX + "list"  # unused: each title is restored in its own scope
        body = json_body(request)
        cid = body.get("conversation_id") if isinstance(body, dict) else None
        if isinstance(cid, str) and cid:
            return conversation_scope(cid)
        return SCOPE_PREFIX + "new:" + _first_turn_id(body)

    def response_rewriter(self, response: http.Response,
                          ctx: ResponseContext) -> ResponseRewriter | None:
        if self.is_stream(response):
            if ctx.request is not None and _RESUME.match(family_path(ctx.request)):
                return ChatGptSseRewriter(ctx, carry_on=True, offset=_resume_offset(ctx.request))
            return ChatGptSseRewriter(ctx)
        if "json" in response.headers.get("content-type", "").lower():
            return ChatGptJsonRewriter(ctx)
        return None


def _resume_offset(request: http.Request) -> int:
    """The events the page received before it resumed (its body's offset; 0 if unreadable)."""
    try:
        offset = json_body(request).get("offset", 0)
    except (RequestFormatError, AttributeError):
        return 0
    return offset if isinstance(offset, int) and not isinstance(offset, bool) else 0


def _first_turn_id(body: Any) -> str:
    """A temporary scope name for a turn without a conversation id: the client's message id
    (a UUID it generates), else a random one (the addon keeps the scope per flow: see
    SiteAdapter.scope)."""
    messages = body.get("messages") if isinstance(body, dict) else None
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        mid = messages[0].get("id")
        if isinstance(mid, str) and mid:
            return mid
    return str(uuid.uuid4())


ADAPTER = ChatGptWeb()
