"""Recent protection events for the popup, the badge and the settings page's live list.

The addon records one event per chat request it handled: host, conversation, outcome, how
many values of each category were replaced, and why each was (layer, rule or label, confidence).
Never a value, real or stand-in. The conversation is an opaque label (a keyed hash of the vault
scope, with a key that lives only in this process): an API scope is a plain hash of the first
prompt, and a short prompt could be guessed back from it.

Each replacement carries an opaque id (a keyed hash of its value, same key): the settings page
can add that value to the "never protect" list, or show it on an explicit click, by id, without
the value ever being in the list. The values behind the ids stay in this process's memory (a
bounded map, like the events themselves) and are never written anywhere.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import asdict, dataclass, field

# shadow: detected and recorded, sent unchanged (shadow mode: nothing was protected).
OUTCOMES = ("protected", "blocked", "passed_unprotected", "shadow")
MAX_REPLACEMENTS_PER_EVENT = 100  # the why-list of one request; the counts stay exact
MAX_VALUES = 2000                 # values behind replacement ids kept in memory


@dataclass(frozen=True)
class Found:
    """One replaced (or, in shadow mode, would-be replaced) value, as the addon reports it.
    ``value`` stays in the EventLog's memory; only the rest is ever shown."""
    value: str
    category: str
    layer: str
    source: str
    score: float


@dataclass(frozen=True)
class ReplacementInfo:
    id: str          # opaque: a keyed hash of the value (the same value gets the same id)
    category: str
    layer: str
    source: str
    score: float


@dataclass(frozen=True)
class ProtectionEvent:
    id: int
    time: float
    host: str
    adapter: str
    conversation: str  # an opaque label per conversation (see the module docstring)
    outcome: str       # one of OUTCOMES
    replaced: int
    categories: dict[str, int] = field(default_factory=dict)
    reason: str = ""   # why it was blocked / passed (a code such as "policy"), else ""
    request: str = ""  # the request it counts: proxy.mitm.addon.request_digest (for the badge)
    replacements: tuple[ReplacementInfo, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self)


class EventLog:
    """A bounded, thread-safe ring of recent events (the addon records from worker threads)."""

    def __init__(self, maxlen: int = 500) -> None:
        self._lock = threading.Lock()
        self._events: deque[ProtectionEvent] = deque(maxlen=maxlen)
        self._next_id = 1
        self._label_key = secrets.token_bytes(32)
        self._values: OrderedDict[str, str] = OrderedDict()  # replacement id -> value

    def label(self, scope: str) -> str:
        """The opaque, per-process label of a conversation scope ("" stays "")."""
        if not scope:
            return ""
        return "c-" + hmac.new(self._label_key, scope.encode("utf-8", "surrogatepass"),
                               hashlib.sha256).hexdigest()[:16]

    def _value_id(self, value: str) -> str:
        return "r-" + hmac.new(self._label_key, b"value\0" + value.casefold().encode(
            "utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:20]

    def value(self, replacement_id: str) -> str | None:
        """The value behind a replacement id (for "never protect this" and an explicit
        reveal on the settings page), or None once it left the bounded memory."""
        with self._lock:
            return self._values.get(replacement_id)

    def record(self, *, host: str, adapter: str, conversation: str, outcome: str,
               categories: dict[str, int] | None = None, replaced: int = 0,
               reason: str = "", request: str = "",
               found: list[Found] | tuple[Found, ...] = ()) -> ProtectionEvent:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        with self._lock:
            infos: list[ReplacementInfo] = []
            for f in found:
                rid = self._value_id(f.value)
                if len(infos) >= MAX_REPLACEMENTS_PER_EVENT or any(i.id == rid for i in infos):
                    continue  # resent history repeats a value in every turn: listed once
                self._values[rid] = f.value
                self._values.move_to_end(rid)
                infos.append(ReplacementInfo(rid, f.category, f.layer, f.source, round(f.score, 2)))
            while len(self._values) > MAX_VALUES:
                self._values.popitem(last=False)
            event = ProtectionEvent(self._next_id, time.time(), host, adapter,
                                    self.label(conversation),
                                    outcome, replaced, dict(categories or {}), reason, request,
                                    tuple(infos))
            self._next_id += 1
            self._events.append(event)
            return event

    def recent(self, after: int = 0, limit: int = 100) -> list[ProtectionEvent]:
        """Events with id > ``after``, oldest first, at most ``limit`` (the newest ones)."""
        with self._lock:
            events = [e for e in self._events if e.id > after]
        return events[-limit:] if limit > 0 else []

    def conversations(self) -> list[dict]:
        """Per conversation: host, requests, replaced values per category, last time (newest
        first)."""
        with self._lock:
            events = list(self._events)
        out: dict[str, dict] = {}
        for e in events:
            c = out.setdefault(e.conversation, {"conversation": e.conversation, "host": e.host,
                                                "requests": 0, "replaced": 0, "blocked": 0,
                                                "categories": {}, "last_time": e.time})
            c["requests"] += 1
            c["replaced"] += e.replaced
            c["blocked"] += e.outcome == "blocked"
            c["last_time"] = max(c["last_time"], e.time)
            for cat, n in e.categories.items():
                c["categories"][cat] = c["categories"].get(cat, 0) + n
        return sorted(out.values(), key=lambda c: c["last_time"], reverse=True)
