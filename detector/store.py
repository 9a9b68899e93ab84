"""The mapping store the stand-in layer talks to.

detector/ never imports the vault: the vault (proxy/vault/) implements this Protocol, and
InMemoryStore serves `doppel check`, `doppel eval` and tests.

Keys: the stand-in layer looks values up by a *key* it chooses (the exact surface form, or a
canonical form such as "person-token:maria"), and stores the *real* surface form beside the
stand-in so replies can be restored. A key is unique per scope; the first writer wins.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Mapping:
    real: str
    standin: str
    category: str


@runtime_checkable
class MappingStore(Protocol):
    def find(self, scope: str, key: str) -> str | None:
        """The stand-in stored under `key` in `scope`, or None."""

    def add(self, scope: str, category: str, key: str, real: str, standin: str) -> str:
        """Store key -> (real, standin) unless the key exists; return the stand-in now stored."""

    def mappings(self, scope: str) -> list[Mapping]:
        """Every (real, stand-in) pair issued in `scope`, for restoring replies."""

    def is_real_value(self, value: str) -> bool:
        """True if `value` (case-insensitive) was ever a real value in any scope."""

    def standin_in_use(self, scope: str, standin: str) -> bool:
        """True if `standin` (case-insensitive) was already issued in `scope`."""


class InMemoryStore:
    """A thread-safe MappingStore in memory: nothing persists."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[tuple[str, str], Mapping] = {}
        self._by_scope: dict[str, list[Mapping]] = {}
        self._reals: set[str] = set()
        self._standins: dict[str, set[str]] = {}

    def find(self, scope: str, key: str) -> str | None:
        m = self._by_key.get((scope, key))
        return m.standin if m else None

    def add(self, scope: str, category: str, key: str, real: str, standin: str) -> str:
        with self._lock:
            existing = self._by_key.get((scope, key))
            if existing:
                return existing.standin
            m = Mapping(real=real, standin=standin, category=str(category))
            self._by_key[(scope, key)] = m
            self._by_scope.setdefault(scope, []).append(m)
            self._reals.add(real.casefold())
            self._standins.setdefault(scope, set()).add(standin.casefold())
            return standin

    def mappings(self, scope: str) -> list[Mapping]:
        with self._lock:
            return list(self._by_scope.get(scope, ()))

    def forget(self, scope: str) -> int:
        """Drop every mapping of `scope` (what `doppel vault forget` does); returns the count."""
        with self._lock:
            gone = self._by_scope.pop(scope, [])
            self._standins.pop(scope, None)
            self._by_key = {k: m for k, m in self._by_key.items() if k[0] != scope}
            return len(gone)

    def is_real_value(self, value: str) -> bool:
        return value.casefold() in self._reals

    def standin_in_use(self, scope: str, standin: str) -> bool:
        return standin.casefold() in self._standins.get(scope, set())
