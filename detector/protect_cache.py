"""Caches for Protector: resent conversation history must not cost a full protect every turn.

API clients resend the whole conversation each turn, so the same (text, scope) is protected
again and again. ProtectionCache keeps recent Protection results; Protector uses an entry only
after checking it is still right NOW (see Protector.protect). RestorerCache keeps one Restorer
per scope while that scope's mappings are unchanged.

Both hold real texts in process memory only, like the detector's annotation cache: never on
disk, never logged. Both are bounded (LRU) and thread-safe.
"""
from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable

from cachetools import LRUCache

from detector.restore import Restorer
from detector.span import Span
from detector.store import Mapping

DEFAULT_ENTRIES = 2048
# A 100-word text costs ~5 KB as an entry (text, protected text, replacements with their spans);
# the character budget keeps a few huge pastes from holding hundreds of MB.
DEFAULT_MAX_CHARS = 4_000_000
DEFAULT_SCOPES = 256


@dataclass(slots=True)
class CachedProtection:
    spans: tuple[Span, ...]  # the chosen spans it was built from (detection + policy, as then)
    protection: Any          # detector.protect.Protection (not imported: protect imports us)
    # The Restorer it last round-tripped with. RestorerCache hands out the same Restorer object
    # only while the scope's mappings are unchanged, so with that same object the round trip
    # needs no re-check. Weak: an entry must not keep an old Restorer (and its regex) alive.
    checked_with: weakref.ref | None = field(default=None)

    def checked(self, restorer: Restorer) -> bool:
        return self.checked_with is not None and self.checked_with() is restorer

    def mark_checked(self, restorer: Restorer) -> None:
        self.checked_with = weakref.ref(restorer)


class ProtectionCache:
    """LRU of CachedProtection by key, bounded by entry count and by total characters."""

    def __init__(self, max_entries: int = DEFAULT_ENTRIES, max_chars: int = DEFAULT_MAX_CHARS):
        self.max_entries = max_entries
        self.max_chars = max_chars
        self._lock = threading.Lock()
        # cachetools bounds the characters (each entry's size by getsizeof); put() the count.
        self._entries: LRUCache[tuple, CachedProtection] = LRUCache(maxsize=max(max_chars, 0),
                                                                     getsizeof=self._size)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def _chars(self) -> int:
        """Characters held (the texts and protected texts of all entries)."""
        return self._entries.currsize

    @staticmethod
    def _size(entry: CachedProtection) -> int:
        p = entry.protection
        return len(p.text) + len(p.protected)

    def get(self, key: tuple) -> CachedProtection | None:
        with self._lock:
            return self._entries.get(key)  # a hit becomes the most recent

    def put(self, key: tuple, entry: CachedProtection) -> None:
        size = self._size(entry)
        if self.max_entries <= 0 or size > self.max_chars:
            return
        with self._lock:
            self._entries[key] = entry  # the least recent go until the characters fit
            while len(self._entries) > self.max_entries:
                self._entries.popitem()

    def discard(self, key: tuple) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class RestorerCache:
    """One Restorer per scope, reused while store.mappings(scope) returns the same mappings.

    Building a Restorer folds every mapping (O(mappings)); comparing the new mappings with the
    cached tuple is a pointer comparison per item when the store hands out the same Mapping
    objects (InMemoryStore and the Vault's scope cache do), and an equal tuple always builds an
    equal Restorer, so reuse is never wrong.
    """

    def __init__(self, max_scopes: int = DEFAULT_SCOPES):
        self.max_scopes = max_scopes
        self._lock = threading.Lock()
        self._by_scope: LRUCache[str, tuple[tuple[Mapping, ...], Restorer]] = LRUCache(maxsize=max(max_scopes, 0))

    def get(self, scope: str, mappings: Callable[[str], list[Mapping]]) -> Restorer:
        current = tuple(mappings(scope))
        with self._lock:
            cached = self._by_scope.get(scope)  # a hit becomes the most recent
            if cached is not None and cached[0] == current:
                return cached[1]
        restorer = Restorer(list(current))
        if self.max_scopes > 0:
            with self._lock:
                self._by_scope[scope] = (current, restorer)  # the least recent goes when full
        return restorer
