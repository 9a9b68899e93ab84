"""ChatGPT web's SSE events, rewritten so the page sees real values instead of stand-ins.

Two stream shapes exist (docs/architecture.md#wire-formats):
- "delta encoding v1": `event: delta_encoding` / `data: "v1"`, then JSON-patch frames
  {"c": channel, "p": path, "o": op, "v": value}. The page decodes them like this (read from
  public reimplementations of its decoder, 2026: lanqian528/chat2api `chatgpt/stream_v1.py`,
  superbased-observer `src/parsers.test.js`, aaaAlexanderaaa/chatGPTBox
  `docs/chatgpt-web-stream-resume.md`; checked against the shapes of real captures, see the
  issue #15 note), one rule per test in tests/proxy/test_site_chatgpt_web_delta.py:
    1. a frame without "c", "p" or "o" continues the last one's (a bare {"v": "..."} appends
       to the path the last frame appended to);
    2. after a "patch" batch, a bare frame continues the batch's LAST sub-op's path and op;
    3. a message object with no path and op ({"v": {"message": ...}}, also {"c": N, "v": ...})
       adds a new message (document) on its channel, and does not change what a following bare
       frame continues;
    4. ops: add, replace, append (string, list or object), truncate (to a length in UTF-16
       units), remove, patch (a list of sub-ops, each with its own path and op);
    5. the page counts the events it receives (all but comments, empty data and [DONE]) and
       resumes a broken stream from that count: the rewriter never adds or drops an event
       (proxy/sites/chatgpt/resume.py carries a turn into the flow that resumes it).
- the older full-snapshot stream: every data line is a whole message object holding the whole
  text so far, so each snapshot is restored whole.
Other JSON events (the input_message echo, title_generation, ...) are restored whole.

Appended text goes through one stream restorer per (channel, path), which holds back only a
tail that could still become a stand-in. A held tail goes out folded into a later frame of the
same message: the next append to its path continues it, and the frame that ends the message (a
finished status, a new message on its channel) carries it as an append sub-op of a patch batch
in its place. Only at [DONE], when the page no longer counts, does a tail left over go out as an
event of its own. After a frame we changed into a batch, the next bare frame goes out with its
path and op spelled out, so it means the same to the page whatever it carried over.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from proxy.sites.base import RestorerLike, dumps_utf8
from proxy.sites.channels import TextChannels
from proxy.sites.restore_walk import NO_JSON_KEYS, restore_json

# JSON keys whose string values are growing human text: these get a stream restorer that may hold
# a tail back. Ids, roles, statuses, tool and model names must never be held back (that would
# break the client), so they are only ever restored whole.
TEXT_KEYS = frozenset({"text", "title", "content", "summary", "result", "query", "q"})
TEXT_LIST_KEYS = frozenset({"parts", "chunks", "queries", "search_queries"})
# A finished message: no more appends will come, so held-back tails can be emitted.
DONE_STATUSES = frozenset({"finished_successfully", "finished_partial_completion"})
# What a stream resumed without its earlier state most likely continues (the answer's text).
DEFAULT_PATH = "/message/content/parts/0"


@dataclass(frozen=True)
class Out:
    """One event to send: the upstream event itself (``data`` None: its bytes unchanged), the
    upstream event with new data, or an inserted event (``own`` False: only at [DONE])."""
    name: str | None
    data: str | None
    own: bool = True


def pointer_tokens(path: str) -> list[str]:
    """RFC 6901 JSON pointer -> tokens ("" is the root)."""
    if not path:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in path.lstrip("/").split("/")]


def _last_token(path: str) -> str | None:
    tokens = pointer_tokens(path)
    return tokens[-1] if tokens else None


def is_text_path(path: str) -> bool:
    tokens = pointer_tokens(path)
    if not tokens:
        return False
    if tokens[-1] in TEXT_KEYS:
        return True
    return tokens[-1].isdigit() and len(tokens) > 1 and tokens[-2] in TEXT_LIST_KEYS


def utf16_prefix(text: str, units: int) -> str:
    """The longest prefix of `text` of at most `units` UTF-16 code units (JS String.length)."""
    count = 0
    for i, ch in enumerate(text):
        count += 2 if ord(ch) > 0xFFFF else 1
        if count > units:
            return text[:i]
    return text


def _root_message(p: str, o: str) -> bool:
    return p == "" and o in ("add", "replace")


@dataclass
class DeltaRewriter:
    """Rewrites one ChatGPT web SSE stream, event by event (stateful: one per turn; a resumed
    or handed-off turn carries it on, see resume.py)."""
    restorer: RestorerLike
    on_conversation_id: Callable[[str], None] | None = None
    delta_mode: bool = False
    conversation_id: str | None = None
    events: int = 0  # events the page counted so far (its resume offset)
    handed_off: bool = False  # a stream_handoff: the turn goes on elsewhere
    _channels: TextChannels = field(init=False)
    _upstream: dict[tuple, str] = field(default_factory=dict)  # (channel, path) -> upstream text
    _c: Hashable = None  # the channel, path and op a bare frame continues (the page's rules)
    _p: str = DEFAULT_PATH
    _o: str = "append"
    _spell_out: bool = False  # the page may carry other p/o than upstream meant: say them

    def __post_init__(self) -> None:
        self._channels = TextChannels(self.restorer)

    def carry_on(self, restorer: RestorerLike,
                 on_conversation_id: Callable[[str], None] | None) -> "DeltaRewriter":
        """This turn's state for the flow that continues it (resume.py)."""
        self.restorer, self.on_conversation_id = restorer, on_conversation_id
        self._channels.use(restorer)
        self.handed_off = False
        return self

    # -- events ---------------------------------------------------------------------------
    def event(self, name: str | None, data: str | None) -> list[Out]:
        """What to send to the client in place of the upstream event (name, data)."""
        if data is None or data == "":
            return [Out(name, None)]  # a comment or an empty event: the page does not count it
        if data.strip() == "[DONE]":
            return ([] if self.handed_off else self.flush()) + [Out(name, None)]
        self.events += 1
        if name == "delta_encoding":
            self.delta_mode = True
            return [Out(name, None)]
        try:
            obj = json.loads(data)
        except (ValueError, RecursionError):  # not JSON, or nested too deeply to be ours
            return [Out(name, None)]
        if self._is_delta(name, obj):
            return [self._delta(name, obj)]
        if not isinstance(obj, dict):
            return [Out(name, None)]
        self._note_conversation(obj)
        if obj.get("type") == "stream_handoff":
            self.handed_off = True
        restored, changed = self._whole(obj)
        return [Out(name, _dumps(restored) if changed else None)]

    def flush(self) -> list[Out]:
        """Every tail still held, one inserted event per channel: only at [DONE], when the page
        no longer counts events (and at the end of a body that never had one)."""
        by_channel: dict[Hashable, list[dict]] = {}
        for c, p, tail in self._flush_tails(None):
            by_channel.setdefault(c, []).append({"p": p, "o": "append", "v": tail})
        outs = []
        for c, ops in by_channel.items():
            frame = {"p": "", "o": "patch", "v": ops}
            if c is not None:
                frame["c"] = c
            outs.append(Out("delta", _dumps(frame), own=False))
        if outs:
            self._spell_out = True
        return outs

    def _whole(self, value: Any) -> tuple[Any, bool]:
        """A copy of a complete value (history, snapshots, titles) with every string restored
        whole: nothing is held back, so ids and statuses pass unchanged."""
        return restore_json(value, self.restorer, json_keys=NO_JSON_KEYS)

    # -- delta frames ---------------------------------------------------------------------
    def _is_delta(self, name: str | None, obj: Any) -> bool:
        if not (isinstance(obj, dict) and "v" in obj):
            return False
        return name == "delta" or (self.delta_mode and set(obj) <= {"p", "o", "v", "c"})

    def _delta(self, name: str | None, frame: dict) -> Out:
        v = frame["v"]
        c = frame.get("c", self._c)
        bare_add = "p" not in frame and "o" not in frame and isinstance(v, dict) and (
            "message" in v or "c" in frame)
        p, o = ("", "add") if bare_add else (frame.get("p", self._p), frame.get("o", self._o))
        if not (isinstance(p, str) and isinstance(o, str)):
            return Out(name, None)  # not a patch the page can apply either: pass it on
        if "c" in frame:
            try:
                hash(c)
            except TypeError:
                return Out(name, None)
            self._c = c
        c = self._c
        if _root_message(p, o) and isinstance(v, dict):
            self._note_conversation(v)
        ops, carried = self._op(c, p, o, v)
        if not bare_add and not _root_message(p, o):
            self._p, self._o = carried  # rules 1-3: what the next bare frame continues
        if len(ops) == 1 and ops[0]["p"] == p and ops[0]["o"] == o:
            out = dict(frame, v=ops[0]["v"])
            if self._spell_out and not bare_add:
                out.update(p=p, o=o)
            if not bare_add:
                self._spell_out = False
        else:  # tails folded in, or an op turned into another: one batch in its place
            out = {"p": "", "o": "patch", "v": ops} if len(ops) > 1 else dict(ops[0])
            if "c" in frame:
                out["c"] = frame["c"]
            self._spell_out = True
        return Out(name, None if out == frame else _dumps(out))

    def _op(self, c: Hashable, p: str, o: str, v: Any) -> tuple[list[dict], tuple[str, str]]:
        """One upstream op -> the ops to send in its place (more than one when held tails are
        folded in), and the (path, op) a following bare frame continues."""
        if o == "patch" and isinstance(v, list):
            sub: list[dict] = []
            sp, so = p, "append"
            for s in v:
                if isinstance(s, dict) and "v" in s:
                    sp, so = s.get("p", sp), s.get("o", so)
                    if isinstance(sp, str) and isinstance(so, str):
                        sub.extend(self._op(c, sp, so, s["v"])[0])
                        continue
                sub.append(s)
            return [{"p": p, "o": o, "v": sub}], (sp, so) if v else (p, o)
        key = (c, p)
        last = _last_token(p)
        if o == "append" and isinstance(v, str) and is_text_path(p):
            self._upstream[key] = self._upstream.get(key, "") + v
            return [{"p": p, "o": o, "v": self._channels.feed(key, v)}], (p, o)
        if o == "append" and last in TEXT_LIST_KEYS:  # new list items: whole texts
            return [{"p": p, "o": o, "v": self._whole(v)[0]}], (p, o)
        if o in ("add", "replace"):
            if _root_message(p, o):  # a new message on this channel: the last one is complete
                before = self._fold(c)
                return before + [{"p": p, "o": o, "v": self._open_snapshot(c, p, v)}], (p, o)
            self._drop_under(c, p)
            if p.endswith("/status") and _one_of(v, DONE_STATUSES):
                return self._fold(c) + [{"p": p, "o": o, "v": v}], (p, o)
            if isinstance(v, str) and is_text_path(p):
                return [{"p": p, "o": o, "v": self._open_text(key, v)}], (p, o)
            if isinstance(v, (dict, list)):
                return [{"p": p, "o": o, "v": self._open_snapshot(c, p, v)}], (p, o)
            return [{"p": p, "o": o, "v": v}], (p, o)
        if o == "truncate" and key in self._upstream and isinstance(v, int):
            # The page's text differs from upstream's, so upstream's length means nothing to
            # it: send the restored prefix as a replace instead.
            kept = utf16_prefix(self._upstream[key], v)
            self._drop_under(c, p)
            return [{"p": p, "o": "replace", "v": self._open_text(key, kept)}], (p, o)
        if o == "remove":
            self._drop_under(c, p)
        return [{"p": p, "o": o, "v": v}], (p, o)

    def _open_snapshot(self, c: Hashable, base: str, value: Any) -> Any:
        """Restore the texts of an added object; unfinished texts keep a channel for appends."""
        message = value.get("message") if isinstance(value, dict) else None
        finished = isinstance(message, dict) and (
            _one_of(message.get("status"), DONE_STATUSES)
            or (message.get("author") or {}).get("role") in ("user", "system"))
        if finished:
            return self._whole(value)[0]
        return self._walk_open(c, base, value, _last_token(base))

    def _walk_open(self, c: Hashable, path: str, value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return {k: self._walk_open(c, f"{path}/{_escape(k)}", v, k) for k, v in value.items()}
        if isinstance(value, list):
            text_items = key in TEXT_LIST_KEYS
            return [self._open_text((c, f"{path}/{i}"), v) if text_items and isinstance(v, str)
                    else self._walk_open(c, f"{path}/{i}", v, None) for i, v in enumerate(value)]
        if isinstance(value, str) and key in TEXT_KEYS:
            return self._open_text((c, path), value)
        return value

    def _open_text(self, key: tuple, text: str) -> str:
        self._channels.flush(key)  # a replaced text: its old held tail is gone with it
        self._upstream[key] = text
        return self._channels.feed(key, text)

    def _fold(self, c: Hashable) -> list[dict]:
        """Append ops for the tails channel ``c`` still holds (its message is complete)."""
        return [{"p": p, "o": "append", "v": tail} for _, p, tail in self._flush_tails(c)]

    def _flush_tails(self, c: Hashable | None) -> list[tuple[Hashable, str, str]]:
        """(channel, path, tail) of every text of channel ``c`` (None: of every channel)."""
        out = []
        for key in self._channels.open_keys():
            if c is None or key[0] == c:
                tail = self._channels.flush(key)
                self._upstream.pop(key, None)
                if tail:
                    out.append((key[0], key[1], tail))
        return out

    def _drop_under(self, c: Hashable, path: str) -> None:
        for key in self._channels.open_keys():
            if key[0] == c and (key[1] == path or key[1].startswith(path + "/")):
                self._channels.flush(key)
                self._upstream.pop(key, None)

    def _note_conversation(self, obj: dict) -> None:
        cid = obj.get("conversation_id")
        if isinstance(cid, str) and cid and self.conversation_id is None:
            self.conversation_id = cid
            if self.on_conversation_id:
                self.on_conversation_id(cid)


def _one_of(value: Any, names: frozenset[str]) -> bool:
    """``value in names`` for any JSON value (an object or a list is never one of them)."""
    return isinstance(value, str) and value in names


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _dumps(obj: Any) -> str:
    return dumps_utf8(obj, separators=(", ", ": "))  # a lone surrogate stays an escape
