"""Gemini web app (gemini.google.com): StreamGenerate turns and batchexecute reads.

Request: POST .../BardFrontendService/StreamGenerate, a form body whose `f.req` is
[null, "<inner JSON string>"]; the prompt is inner[0][0]; inner[2] holds the conversation ids
["c_...", "r_...", "rc_..."] when continuing a conversation (docs/architecture.md#wire-formats).
Response: `)]}'` then length-prefixed frames (gemini_frames.py) whose payload is a list of
envelopes such as ["wrb.fr", null, "<inner JSON string>"]. The inner JSON holds the reply text
(inner[4][i][1][0], the whole text so far in every frame, so each frame is restored whole) and the
conversation id at inner[1][0], which binds a first turn's temporary scope.
batchexecute (history, the conversation list) uses the same framing; any list headed by a
"c_..." id is restored in that conversation's scope.
Scope: "gemini-web:<conversation id>".
"""
from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from mitmproxy import http

from proxy.sites.base import (RequestFormatError, ResponseContext, ResponseRewriter,
                              RestorerLike, SiteAdapter, path_only)
from proxy.sites.gemini.frames import FrameRewriter
from proxy.sites.restore_walk import NO_JSON_KEYS, restore_json

log = logging.getLogger(__name__)

SCOPE_PREFIX = "gemini-web:"
_GENERATE = re.compile(r"^/_/BardChatUi/data/[\w.]*BardFrontendService/StreamGenerate$")
_BATCH = re.compile(r"^/_/BardChatUi/data/batchexecute$")
_CONVERSATION_ID = re.compile(r"^c_[0-9A-Za-z_-]+$")


def conversation_scope(conversation_id: str) -> str:
    return SCOPE_PREFIX + conversation_id


def _compact(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _conversation_id(value: Any) -> str | None:
    return value if isinstance(value, str) and _CONVERSATION_ID.match(value) else None


class GeminiResponseRewriter(FrameRewriter):
    def __init__(self, ctx: ResponseContext) -> None:
        super().__init__(self._payload)
        self.ctx = ctx

    def finish(self) -> bytes:
        out = super().finish()
        if self.error:  # names the framing problem only, never body text
            log.warning("gemini-web: response framing not understood (%s); rest passed as is",
                        self.error)
        return out

    def _payload(self, payload: str) -> str:
        try:
            envelopes = json.loads(payload)
        except (ValueError, RecursionError):
            return payload  # a frame that is not JSON: nothing of ours in it
        if not isinstance(envelopes, list):
            return payload
        changed = False
        for env in envelopes:
            if (isinstance(env, list) and len(env) > 2 and env[0] == "wrb.fr"
                    and isinstance(env[2], str)):
                new = self._inner(env[2])
                if new != env[2]:
                    env[2], changed = new, True
        return _compact(envelopes) if changed else payload

    def _inner(self, raw: str) -> str:
        try:
            inner = json.loads(raw)
        except (ValueError, RecursionError):
            return raw
        if self.ctx.scope.startswith(SCOPE_PREFIX + "new:") and isinstance(inner, list) \
                and len(inner) > 1 and isinstance(inner[1], list) and inner[1]:
            cid = _conversation_id(inner[1][0])
            if cid:
                self.ctx.rebind(conversation_scope(cid))
        restored, changed = restore_json(inner, self.ctx.restorer, json_keys=NO_JSON_KEYS,
                                         switch=self._listed_conversation)
        return _compact(restored) if changed else raw

    def _listed_conversation(self, node: Any, restorer: RestorerLike) -> RestorerLike:
        """A list headed by another conversation's id (the conversation list) is restored with
        that conversation's stand-ins."""
        cid = _conversation_id(node[0]) if isinstance(node, list) and node else None
        if cid and conversation_scope(cid) != self.ctx.scope:
            return self.ctx.restorer_for(conversation_scope(cid))
        return restorer


class GeminiWeb(SiteAdapter):
    name = "gemini-web"
    hosts = ("gemini.google.com",)
    web_app = True

    def match(self, request: http.Request) -> bool:
        if not self.on_own_host(request) or request.method != "POST":
            return False
        path = path_only(request)
        return bool(_GENERATE.search(path) or _BATCH.match(path))

    def _is_generate(self, request: http.Request) -> bool:
        return bool(_GENERATE.search(path_only(request)))

    def _parse(self, request: http.Request) -> tuple[list, list]:
        """(outer, inner) of f.req; RequestFormatError when it is not the known shape."""
        try:
            freq = request.urlencoded_form.get("f.req")
        except (ValueError, UnicodeDecodeError):
            freq = None
        if not freq:
            raise RequestFormatError("the Gemini request has no f.req form field")
        try:
            outer = json.loads(freq)
            inner = json.loads(outer[1])
        except (ValueError, TypeError, IndexError, KeyError, RecursionError):
            raise RequestFormatError("Gemini f.req is not [null, \"<inner JSON>\"]") from None
        if not (isinstance(inner, list) and inner and isinstance(inner[0], list) and inner[0]
                and isinstance(inner[0][0], str)):
            raise RequestFormatError("the Gemini prompt is not a string at inner[0][0]")
        return outer, inner

    def texts(self, request: http.Request) -> list[str]:
        if not self._is_generate(request):
            return []  # batchexecute reads: nothing typed by the user goes out
        prompt = self._parse(request)[1][0][0]
        return [prompt] if prompt else []

    def rewrite(self, request: http.Request, protected: list[str]) -> None:
        if not self._is_generate(request) or not protected:
            return
        outer, inner = self._parse(request)
        inner[0][0] = protected[0]
        outer[1] = _compact(inner)
        request.urlencoded_form["f.req"] = _compact(outer)

    def scope(self, request: http.Request) -> str:
        if self._is_generate(request):
            ids = self._parse(request)[1][2:3]
            cid = _conversation_id(ids[0][0]) if ids and isinstance(ids[0], list) and ids[0] \
                else None
            if cid:
                return conversation_scope(cid)
            # A first turn: a fresh name (the addon keeps it per flow: see SiteAdapter.scope).
            return SCOPE_PREFIX + "new:" + str(uuid.uuid4())
        freq = request.urlencoded_form.get("f.req", "") if request.urlencoded_form else ""
        found = re.search(r"c_[0-9A-Za-z_-]+", freq)  # the conversation a history read names
        return conversation_scope(found.group()) if found else SCOPE_PREFIX + "list"

    def is_stream(self, response: http.Response) -> bool:
        return True  # always framed text; FrameRewriter handles whole and chunked bodies alike

    def response_rewriter(self, response: http.Response,
                          ctx: ResponseContext) -> ResponseRewriter | None:
        return GeminiResponseRewriter(ctx)


ADAPTER = GeminiWeb()
