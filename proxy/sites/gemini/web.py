"""Gemini web app (gemini.google.com): StreamGenerate turns and batchexecute reads.

Request: POST .../BardFrontendService/StreamGenerate, a form body whose `f.req` is
[null, "<inner JSON string>"]; the prompt is inner[0][0]; inner[2] holds the conversation ids
["c_...", "r_...", "rc_..."] when continuing a conversation (docs/architecture.md#wire-formats).
Every request with a body under /_/BardChatUi/data/ (also as /u/N/_/BardChatUi/..., how
multi-account users are addressed) is read whole: default-deny, see _Form.
Response: `)]}'` then length-prefixed frames (gemini_frames.py) whose payload is a list of
envelopes such as ["wrb.fr", null, "<inner JSON string>"]. The inner JSON holds the reply text
(inner[4][i][1][0] for candidate inner[4][i][0], the whole text so far in every frame) and the
conversation id at inner[1][0], which binds a first turn's temporary scope. Each candidate's text
goes through a stream restorer fed what each snapshot added, so a frame shows the text restored
up to a tail that could still start a stand-in (a stand-in cut at a frame's end never shows);
the frame after the last text frame, or the end of the body, brings the last snapshot again with
the whole text. Every other string is restored whole.
batchexecute (history, the conversation list) uses the same framing; any list headed by a
"c_..." id is restored in that conversation's scope.
Scope: "gemini-web:<conversation id>".
"""
from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from mitmproxy import http

from proxy.sites.base import (RequestFormatError, ResponseContext, ResponseRewriter,
                              RestorerLike, SiteAdapter, StreamRestorerLike, carries_body, dumps_utf8,
                              family_path, loads_strict)
from proxy.sites.jsonwalk import TextSlots
from proxy.sites.structure import GENERIC
from proxy.sites.gemini.frames import FrameRewriter
from proxy.sites.restore_walk import NO_JSON_KEYS, restore_json

log = logging.getLogger(__name__)

SCOPE_PREFIX = "gemini-web:"
# Family paths (base.family_path: lower case); multi-account users are addressed as /u/N/...
_DATA = re.compile(r"^(?:/u/\d+)?/_/bardchatui/data/")  # every request with a body here
_GENERATE = re.compile(_DATA.pattern + r"[\w.]*bardfrontendservice/streamgenerate$")
_BATCH = re.compile(_DATA.pattern + r"batchexecute$")
_CONVERSATION_ID = re.compile(r"^c_[0-9A-Za-z_-]+$")
_ID = re.compile(r"^(c|r|rc)_[0-9A-Za-z_-]+$")  # conversation, reply and candidate ids

# StreamGenerate's inner list by position: languages, the conversation's ids, the anti-bot
# token, a hash. Each is structure only in its shape (docs/architecture.md#wire-formats).
_POSITIONS = {1: re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"),
              2: re.compile(r"^$|" + _ID.pattern),
              3: re.compile(r"^!\S{4,}$"),
              4: re.compile(r"^[0-9a-f]{6,64}$")}
_RPC_ID = re.compile(r"^[A-Za-z0-9]{4,12}$")  # batchexecute rpc ids read like names: "MaZiqc"
_RPC_MARK = re.compile(r"^generic$")
STRUCTURE = GENERIC.plus(token=_ID.match)
"""Gemini's structure besides positions (_Form): ids; every other string is text."""


def conversation_scope(conversation_id: str) -> str:
    return SCOPE_PREFIX + conversation_id


def _compact(obj: Any) -> str:
    return dumps_utf8(obj)  # compact; a lone surrogate stays an escape


def _conversation_id(value: Any) -> str | None:
    return value if isinstance(value, str) and _CONVERSATION_ID.match(value) else None


@dataclass
class _Candidate:
    """One reply candidate's text: what upstream's last snapshot held, what the page got."""
    stream: StreamRestorerLike
    upstream: str = ""
    shown: str = ""


@dataclass
class _TextFrame:
    """The last frame that held candidate texts, as sent: for sending it again, completed."""
    envelopes: list
    inners: list[tuple[int, list, list[tuple[int, str]]]]  # (envelope, inner, [(index, id)])


def _candidates(inner: Any) -> list[tuple[int, str, str]]:
    """(index, candidate id, text) of the reply candidates at inner[4]."""
    if not (isinstance(inner, list) and len(inner) > 4 and isinstance(inner[4], list)):
        return []
    out = []
    for i, cand in enumerate(inner[4]):
        if (isinstance(cand, list) and len(cand) > 1 and isinstance(cand[0], str)
                and isinstance(cand[1], list) and cand[1] and isinstance(cand[1][0], str)):
            out.append((i, cand[0], cand[1][0]))
    return out


class GeminiResponseRewriter(FrameRewriter):
    def __init__(self, ctx: ResponseContext) -> None:
        super().__init__(self._payload)
        self.ctx = ctx
        self._streams: dict[str, _Candidate] = {}
        self._last: _TextFrame | None = None
        self._parsed: tuple[str, list | None] = ("", None)

    def frames_before(self, payload: str) -> list[str]:
        """A frame without reply text ends the text: the last text frame again, whole."""
        envelopes = self._envelopes(payload)
        if envelopes is not None and any(_candidates(inner) for _, inner in self._inners(envelopes)):
            return []
        return self.frames_at_end()

    def frames_at_end(self) -> list[str]:
        last, self._last = self._last, None
        if last is None:
            return []
        changed = False
        for env_i, inner, cands in last.inners:
            for i, cid in cands:
                cand = self._streams.get(cid)
                tail = cand.stream.flush() if cand is not None else ""
                if tail:
                    cand.shown += tail
                    inner[4][i][1][0] = cand.shown
                    changed = True
            last.envelopes[env_i][2] = _compact(inner)
        return [_compact(last.envelopes)] if changed else []

    def _envelopes(self, payload: str) -> list | None:
        if self._parsed[0] != payload:
            try:
                envelopes = json.loads(payload)
            except (ValueError, RecursionError):
                envelopes = None
            self._parsed = (payload, envelopes if isinstance(envelopes, list) else None)
        return self._parsed[1]

    @staticmethod
    def _inners(envelopes: list) -> list[tuple[int, Any]]:
        out = []
        for i, env in enumerate(envelopes):
            if (isinstance(env, list) and len(env) > 2 and env[0] == "wrb.fr"
                    and isinstance(env[2], str)):
                try:
                    out.append((i, json.loads(env[2])))
                except (ValueError, RecursionError):
                    continue
        return out

    def finish(self) -> bytes:
        out = super().finish()
        if self.error:  # names the framing problem only, never body text
            log.warning("gemini-web: response framing not understood (%s); rest passed as is",
                        self.error)
        return out

    def _payload(self, payload: str) -> str:
        envelopes = self._envelopes(payload)
        if envelopes is None:
            return payload  # a frame that is not JSON: nothing of ours in it
        envelopes = json.loads(payload)  # a copy of our own to change
        changed, texts = False, []
        for env_i, inner in self._inners(envelopes):
            new, cands = self._inner(inner)
            if cands:
                texts.append((env_i, new, cands))
            encoded = _compact(new)
            if new != inner:
                envelopes[env_i][2], changed = encoded, True
        if texts:
            self._last = _TextFrame(envelopes, texts)
        return _compact(envelopes) if changed else payload

    def _inner(self, inner: Any) -> tuple[Any, list[tuple[int, str]]]:
        """The inner document restored, and the (index, id) of its reply candidates."""
        if self.ctx.scope.startswith(SCOPE_PREFIX + "new:") and isinstance(inner, list) \
                and len(inner) > 1 and isinstance(inner[1], list) and inner[1]:
            cid = _conversation_id(inner[1][0])
            if cid:
                self.ctx.rebind(conversation_scope(cid))
        restored, _ = restore_json(inner, self.ctx.restorer, json_keys=NO_JSON_KEYS,
                                   switch=self._listed_conversation)
        cands = []
        for i, cid, text in _candidates(inner):
            restored[4][i][1][0] = self._shown(cid, text)
            cands.append((i, cid))
        return restored, cands

    def _shown(self, cid: str, text: str) -> str:
        """What the page gets of candidate ``cid``'s snapshot ``text``: restored up to a tail
        that could still start a stand-in."""
        cand = self._streams.get(cid)
        if cand is None or not text.startswith(cand.upstream):
            # a first snapshot, or one that rewrote what came before: restore it anew
            cand = self._streams[cid] = _Candidate(self.ctx.restorer.stream())
        cand.shown += cand.stream.feed(text[len(cand.upstream):])
        cand.upstream = text
        return cand.shown

    def _listed_conversation(self, node: Any, restorer: RestorerLike) -> RestorerLike:
        """A list headed by another conversation's id (the conversation list) is restored with
        that conversation's stand-ins."""
        cid = _conversation_id(node[0]) if isinstance(node, list) and node else None
        if cid and conversation_scope(cid) != self.ctx.scope:
            return self.ctx.restorer_for(conversation_scope(cid))
        return restorer


class _Form:
    """The texts of a Gemini request: every form value (default-deny), read by position where
    Gemini's lists say what a value is. StreamGenerate's f.req is [null, "<inner JSON>"]: the
    prompt (inner[0][0]) is the declared slot, inner[1:5] (languages, the conversation's ids,
    the anti-bot token, a hash) are structure where they have their shape, everything else in
    it is text (upload file names at inner[0][3] included). batchexecute's f.req is a list of [rpc id, "<args JSON>", null,
    "generic"]: the rpc ids are structure (they read like names), the args are walked. The
    page's XSRF token ``at`` is structure; any other value is walked (JSON inside walked too)."""

    def __init__(self, request: http.Request, generate: bool, batch: bool) -> None:
        try:
            self.fields = [[k, v] for k, v in request.urlencoded_form.items(multi=True)]
        except (ValueError, UnicodeDecodeError):
            self.fields = []
        if not self.fields and request.raw_content:
            raise RequestFormatError("the Gemini request body is not a form")
        self.slots = TextSlots()
        self.freq: tuple[list, list, list | None] | None = None  # (field, outer, inner)
        for field in self.fields:
            key, value = field
            if key == "at":
                self.slots.exempt(field, 1)
            elif key == "f.req" and (generate or batch):
                self._freq(field, generate)
            else:
                self.slots.cover(field, 1, STRUCTURE)
        if generate and self.freq is None:
            raise RequestFormatError("the Gemini request has no f.req form field")

    def _freq(self, field: list, generate: bool) -> None:
        try:
            outer = loads_strict(field[1])
            inner = loads_strict(outer[1]) if generate else None
        except (ValueError, TypeError, IndexError, KeyError, RecursionError):
            raise RequestFormatError("Gemini f.req is not [null, \"<inner JSON>\"]") from None
        if generate:
            if not (isinstance(inner, list) and inner and isinstance(inner[0], list)
                    and inner[0] and isinstance(inner[0][0], str)):
                raise RequestFormatError("the Gemini prompt is not a string at inner[0][0]")
            self.slots.add(inner[0], 0)
            for i, shape in _POSITIONS.items():
                if i < len(inner):
                    self._exempt_shaped(inner, i, shape)
            self.slots.cover([inner], 0, STRUCTURE)
            self.slots.exempt(outer, 1)
        elif isinstance(outer, list) and outer and isinstance(outer[0], list):
            for call in outer[0]:
                if isinstance(call, list):
                    for i, shape in ((0, _RPC_ID), (3, _RPC_MARK)):
                        if len(call) > i:
                            self._exempt_shaped(call, i, shape)
        self.slots.cover([outer], 0, STRUCTURE)
        self.freq = (field, outer, inner)

    def _exempt_shaped(self, holder: list, i: int, shape: re.Pattern) -> None:
        """holder[i] (or each string in it, when a list) is structure if it has ``shape``: a
        string of another shape there is read as text (a position is no licence)."""
        value = holder[i]
        if isinstance(value, str) and shape.match(value):
            self.slots.exempt(holder, i)
        elif isinstance(value, list):
            for j, item in enumerate(value):
                if isinstance(item, str) and shape.match(item):
                    self.slots.exempt(value, j)

    def write(self, request: http.Request, protected: list[str]) -> None:
        self.slots.write(protected)
        if self.freq is not None:
            field, outer, inner = self.freq
            if inner is not None:
                outer[1] = dumps_utf8(inner)
            field[1] = dumps_utf8(outer)
        request.urlencoded_form = [(k, v) for k, v in self.fields]


class GeminiWeb(SiteAdapter):
    name = "gemini-web"
    hosts = ("gemini.google.com",)
    web_app = True
    scope_prefix = SCOPE_PREFIX

    def match(self, request: http.Request) -> bool:
        """StreamGenerate and batchexecute, and any other form posted under /_/BardChatUi/data/
        (anything else there, an upload's bytes, is generic protection's: proxy/sites/generic.py)."""
        if not (self.on_own_host(request) and carries_body(request)):
            return False
        path = family_path(request)
        return bool(_GENERATE.match(path) or _BATCH.match(path)) or bool(_DATA.match(path)) \
            and "x-www-form-urlencoded" in request.headers.get("content-type", "").lower()

    def _is_generate(self, request: http.Request) -> bool:
        return bool(_GENERATE.match(family_path(request)))

    def _form(self, request: http.Request) -> _Form:
        path = family_path(request)
        return _Form(request, bool(_GENERATE.match(path)), bool(_BATCH.match(path)))

    def _parse(self, request: http.Request) -> tuple[list, list]:
        """(outer, inner) of a StreamGenerate f.req; RequestFormatError when it is not that."""
        form = _Form(request, True, False)
        assert form.freq is not None and form.freq[2] is not None
        return form.freq[1], form.freq[2]

    def texts(self, request: http.Request) -> list[str]:
        return self._form(request).slots.texts()

    def rewrite(self, request: http.Request, protected: list[str]) -> None:
        self._form(request).write(request, protected)

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
