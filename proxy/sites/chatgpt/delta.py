"""ChatGPT web's SSE events, rewritten so the browser sees real values instead of stand-ins.

Two stream shapes exist (docs/architecture.md#wire-formats):
- "delta encoding v1": `event: delta_encoding` / `data: "v1"`, then JSON-patch frames
  {"p": path, "o": op, "v": value}. A frame without p/o reuses the previous frame's p/o. Each
  message starts with a frame adding a whole message object (p "", o "add"); the assistant text
  then grows by `append` ops on /message/content/parts/0. Ops: add, replace, append, remove,
  truncate and patch (a list of sub-ops).
- the older full-snapshot stream: every data line is a whole message object holding the whole
  text so far, so each snapshot is restored whole.
Other JSON events (the input_message echo, title_generation, ...) are restored whole (every
string in them).

Appended text goes through one stream restorer per JSON path (TextChannels), which holds back only
a tail that could still become a stand-in; held tails are appended when the message ends (status
finished, a new message, message_stream_complete, stream_handoff, [DONE], end of stream).
A frame we rewrite always carries explicit p and o, so a frame we insert never changes what a
later inherited frame refers to.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from proxy.sites.base import RestorerLike
from proxy.sites.channels import TextChannels
from proxy.sites.restore_walk import NO_JSON_KEYS, restore_json

# JSON keys whose string values are growing human text: these get a stream restorer that may hold
# a tail back. Ids, roles, statuses, tool and model names must never be held back (that would
# break the client), so they are only ever restored whole.
TEXT_KEYS = frozenset({"text", "title", "content", "summary", "result", "query", "q"})
TEXT_LIST_KEYS = frozenset({"parts", "chunks", "queries", "search_queries"})
# A finished message: no more appends will come, so held-back tails can be emitted.
DONE_STATUSES = frozenset({"finished_successfully", "finished_partial_completion"})
# Non-delta events after which the current message receives no more text on this stream.
FLUSH_EVENT_TYPES = frozenset({"message_stream_complete", "stream_handoff"})


@dataclass(frozen=True)
class Out:
    """One event to send: the upstream event itself (``data`` None: its bytes unchanged), the
    upstream event with new data, or an inserted event (``own`` False)."""
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


@dataclass
class DeltaRewriter:
    """Rewrites one ChatGPT web SSE stream, event by event (stateful: one per response)."""
    restorer: RestorerLike
    on_conversation_id: Callable[[str], None] | None = None
    delta_mode: bool = False
    conversation_id: str | None = None
    _channels: TextChannels = field(init=False)
    _upstream: dict[str, str] = field(default_factory=dict)  # path -> text upstream sent
    _last_p: str = ""
    _last_o: str = "append"
    _inserted: bool = False  # an event we inserted is the client's "previous frame"

    def __post_init__(self) -> None:
        self._channels = TextChannels(self.restorer)

    # -- events ---------------------------------------------------------------------------
    def event(self, name: str | None, data: str | None) -> list[Out]:
        """What to send to the client in place of the upstream event (name, data)."""
        if data is None or name == "delta_encoding":
            self.delta_mode = self.delta_mode or name == "delta_encoding"
            return [Out(name, None)]
        if data.strip() == "[DONE]":
            return self.flush() + [Out(name, None)]
        try:
            obj = json.loads(data)
        except (ValueError, RecursionError):  # not JSON, or nested too deeply to be ours
            return [Out(name, None)]  # not JSON: nothing of ours in it
        if self._is_delta(name, obj):
            return self._delta(name, obj)
        if not isinstance(obj, dict):
            return [Out(name, None)]
        self._note_conversation(obj)
        before = self.flush() if _one_of(obj.get("type"), FLUSH_EVENT_TYPES) else []
        restored, changed = self._whole(obj)
        return before + [Out(name, _dumps(restored) if changed else None)]

    def flush(self) -> list[Out]:
        """Append every held-back tail (the message ended); one delta frame per tail."""
        outs = [Out("delta", _dumps(op), own=False) for op in self._flush_ops()]
        self._inserted = self._inserted or bool(outs)
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

    def _delta(self, name: str | None, frame: dict) -> list[Out]:
        explicit = "p" in frame and "o" in frame
        p, o = frame.get("p", self._last_p), frame.get("o", self._last_o)
        if not (isinstance(p, str) and isinstance(o, str)):
            return [Out(name, None)]  # not a patch the browser can apply either: pass it on
        self._last_p, self._last_o = p, o
        before: list[Out] = []
        if p == "" and o in ("add", "replace"):
            before = self.flush()  # a new message: the previous one is complete
            if isinstance(frame["v"], dict):
                self._note_conversation(frame["v"])
        ops = self._op(p, o, frame["v"])
        extra = {k: v for k, v in frame.items() if k not in ("p", "o", "v")}  # e.g. "c"
        outs = before + [Out("delta", _dumps(op), own=False) for op in ops[:-1]]
        last = {**ops[-1], **extra}
        unchanged = len(ops) == 1 and last == {"p": p, "o": o, **extra, "v": frame["v"]}
        if unchanged and (explicit or not (self._inserted or before)):
            outs.append(Out(name, None))
        else:
            outs.append(Out(name, _dumps(last)))
        self._inserted = False  # the client's previous frame is now this upstream one
        return outs

    def _op(self, p: str, o: str, v: Any) -> list[dict]:
        """One upstream op -> the ops to send (usually one; more when tails are flushed)."""
        last = _last_token(p)
        if o == "patch" and isinstance(v, list):
            sub: list[dict] = []
            for s in v:
                if (isinstance(s, dict) and "v" in s and isinstance(s.get("p", p), str)
                        and isinstance(s.get("o", "append"), str)):
                    sub.extend(self._op(s.get("p", p), s.get("o", "append"), s["v"]))
                else:
                    sub.append(s)
            return [{"p": p, "o": o, "v": sub}]
        if o == "append" and isinstance(v, str) and is_text_path(p):
            self._upstream[p] = self._upstream.get(p, "") + v
            return [{"p": p, "o": o, "v": self._channels.feed(p, v)}]
        if o == "append" and last in TEXT_LIST_KEYS:  # new list items: whole texts
            return [{"p": p, "o": o, "v": self._whole(v)[0]}]
        if o in ("add", "replace"):
            self._drop_under(p)
            if p.endswith("/status") and _one_of(v, DONE_STATUSES):
                return self._flush_ops() + [{"p": p, "o": o, "v": v}]
            if isinstance(v, str) and is_text_path(p):
                return [{"p": p, "o": o, "v": self._open_text(p, v)}]
            if isinstance(v, (dict, list)):
                return [{"p": p, "o": o, "v": self._open_snapshot(p, v)}]
            return [{"p": p, "o": o, "v": v}]
        if o == "truncate" and p in self._upstream and isinstance(v, int):
            # The client's text differs from upstream's, so upstream's length means nothing to
            # it: send the restored prefix as a replace instead.
            kept = utf16_prefix(self._upstream[p], v)
            self._drop_under(p)
            return [{"p": p, "o": "replace", "v": self._open_text(p, kept)}]
        if o == "remove":
            self._drop_under(p)
        return [{"p": p, "o": o, "v": v}]

    def _open_snapshot(self, base: str, value: Any) -> Any:
        """Restore the texts of an added object; unfinished texts keep a channel for appends."""
        message = value.get("message") if isinstance(value, dict) else None
        finished = isinstance(message, dict) and (
            _one_of(message.get("status"), DONE_STATUSES)
            or (message.get("author") or {}).get("role") in ("user", "system"))
        if finished:
            return self._whole(value)[0]
        return self._walk_open(base, value, _last_token(base))

    def _walk_open(self, path: str, value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return {k: self._walk_open(f"{path}/{_escape(k)}", v, k) for k, v in value.items()}
        if isinstance(value, list):
            text_items = key in TEXT_LIST_KEYS
            return [self._open_text(f"{path}/{i}", v) if text_items and isinstance(v, str)
                    else self._walk_open(f"{path}/{i}", v, None) for i, v in enumerate(value)]
        if isinstance(value, str) and key in TEXT_KEYS:
            return self._open_text(path, value)
        return value

    def _open_text(self, path: str, text: str) -> str:
        self._channels.flush(path)  # a replaced text: its old held tail is gone with it
        self._upstream[path] = text
        return self._channels.feed(path, text)

    def _flush_ops(self) -> list[dict]:
        ops = []
        for path in self._channels.open_keys():
            tail = self._channels.flush(path)
            if tail:
                ops.append({"p": path, "o": "append", "v": tail})
        self._upstream.clear()
        return ops

    def _drop_under(self, path: str) -> None:
        for key in self._channels.open_keys():
            if key == path or key.startswith(path + "/"):
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
    return json.dumps(obj, ensure_ascii=False)
