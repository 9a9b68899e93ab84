"""Recent protection events for the popup, the badge and the settings page's live list.

The addon records one event per chat request it handled: host, conversation, outcome and how
many values of each category were replaced. Never a value, real or stand-in. The conversation is
an opaque label (a keyed hash of the vault scope, with a key that lives only in this process):
an API scope is a plain hash of the first prompt, and a short prompt could be guessed back from it.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field

OUTCOMES = ("protected", "blocked", "passed_unprotected")


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

    def as_dict(self) -> dict:
        return asdict(self)


class EventLog:
    """A bounded, thread-safe ring of recent events (the addon records from worker threads)."""

    def __init__(self, maxlen: int = 500) -> None:
        self._lock = threading.Lock()
        self._events: deque[ProtectionEvent] = deque(maxlen=maxlen)
        self._next_id = 1
        self._label_key = secrets.token_bytes(32)

    def label(self, scope: str) -> str:
        """The opaque, per-process label of a conversation scope ("" stays "")."""
        if not scope:
            return ""
        return "c-" + hmac.new(self._label_key, scope.encode("utf-8", "surrogatepass"),
                               hashlib.sha256).hexdigest()[:16]

    def record(self, *, host: str, adapter: str, conversation: str, outcome: str,
               categories: dict[str, int] | None = None, replaced: int = 0,
               reason: str = "", request: str = "") -> ProtectionEvent:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        with self._lock:
            event = ProtectionEvent(self._next_id, time.time(), host, adapter,
                                    self.label(conversation),
                                    outcome, replaced, dict(categories or {}), reason, request)
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
