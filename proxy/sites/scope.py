"""Conversation scopes of API traffic: which stand-ins belong together.

API clients resend the whole history every turn. A request's scope is found through its
history: the scope of the longest prefix of its messages that an earlier request was protected
in (PrefixScopes), so a resent history finds its stand-ins. Two conversations that open alike
share a scope only while they are the same request: the first request that goes on from a
known prefix continues its scope, any other that goes on from it differently starts a scope of
its own, and a known prefix resent after someone went on from it (an old turn regenerated, or a
new conversation opening with the same "hello") gets a scope of its own too. So a reply in one
conversation can never restore a value only another conversation sent.
Every digest starts from the client (the host plus a hash prefix of the API key, or without a
key the user-agent), so two clients never share a scope. Raw keys and texts never leave this
module: only SHA-256 digests do, and the vault keeps only keyed HMACs of those
(proxy/vault/prefixes.py; the adapter is handed a PrefixStore, it never imports the vault).
"""
from __future__ import annotations

import hashlib
import json
import threading
from typing import Any, Protocol

from cachetools import LRUCache
from mitmproxy import http

_KEY_HEADERS = ("authorization", "x-api-key", "api-key", "x-goog-api-key")
SCOPE_PREFIX = "api:"


def client_id(request: http.Request) -> str:
    """host + a short hash of the credential (or the user-agent when there is none)."""
    for name in _KEY_HEADERS:
        value = request.headers.get(name)
        if value:
            digest = hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()[:16]
            return f"{request.pretty_host}|key:{digest}"
    return f"{request.pretty_host}|ua:{request.headers.get('user-agent', '')}"


def api_scope(request: http.Request, first_user_text: str) -> str:
    """Scope named by the client and one text (a Responses "conversation" id): "api:" + a
    digest."""
    h = hashlib.sha256()
    for part in (client_id(request), first_user_text):
        h.update(part.encode("utf-8", "surrogatepass"))  # a lone surrogate is valid JSON
        h.update(b"\x00")
    return SCOPE_PREFIX + h.hexdigest()[:32]


def history_digests(client: str, history: list[Any]) -> list[str]:
    """The digest of each prefix of ``history`` (its messages as the client sent them, any
    JSON), shortest first: each hashes the one before it and the next message."""
    out, prev = [], hashlib.sha256(b"doppel-history-v1\x00" + client.encode(
        "utf-8", "surrogatepass")).hexdigest()
    for message in history:
        canon = json.dumps(message, sort_keys=True, ensure_ascii=False, default=str)
        prev = hashlib.sha256((prev + "\x00" + canon).encode("utf-8", "surrogatepass")).hexdigest()
        out.append(prev)
    return out


def _scope_of(*parts: str) -> str:
    return SCOPE_PREFIX + hashlib.sha256("\x00".join(("prefix-scope",) + parts).encode()
                                         ).hexdigest()[:32]


class PrefixStore(Protocol):
    """Where history prefixes outlive the process (proxy.vault.Vault, through the Runtime in
    proxy/mitm/runtime.py). A store handles its own storage failures: it logs them, finds
    nothing and claims nothing (a request then gets a scope of its own)."""

    def prefix_lookup(self, digests: list[str]) -> tuple[int, str, bool] | None:
        """(messages of the longest known prefix, its scope, whether a prefix went on from it)."""

    def prefix_claim(self, digest: str, child: str) -> bool:
        """Make ``child`` the prefix that goes on from ``digest`` unless another did first;
        True if ``child`` is it."""

    def prefix_remember(self, digests: list[str], scope: str) -> None:
        """Each prefix (shortest first) belongs to ``scope`` unless known, and goes on to the
        next unless another went on from it first."""


class MemoryPrefixStore:
    """A PrefixStore in process memory, bounded (least recently used prefixes go first)."""

    def __init__(self, max_entries: int = 50_000) -> None:
        self._rows: LRUCache[str, list] = LRUCache(max_entries)  # digest -> [scope, child]
        self._lock = threading.Lock()  # cachetools caches are not thread-safe

    def prefix_lookup(self, digests: list[str]) -> tuple[int, str, bool] | None:
        with self._lock:
            for i in range(len(digests) - 1, -1, -1):
                row = self._rows.get(digests[i])
                if row is not None:
                    return i + 1, row[0], row[1] is not None
        return None

    def prefix_claim(self, digest: str, child: str) -> bool:
        with self._lock:
            row = self._rows.get(digest)
            if row is None:
                return False
            if row[1] is None:
                row[1] = child
            return row[1] == child

    def prefix_remember(self, digests: list[str], scope: str) -> None:
        with self._lock:
            for i, digest in enumerate(digests):
                if digest not in self._rows:
                    self._rows[digest] = [scope, digests[i + 1] if i + 1 < len(digests) else None]


class PrefixScopes:
    """The scope of a request from its history (module docstring). Thread-safe: requests are
    protected in worker threads, and deciding who goes on from a prefix takes one lock."""

    def __init__(self, store: PrefixStore | None = None) -> None:
        self.store = store if store is not None else MemoryPrefixStore()
        self._lock = threading.Lock()

    def scope_for(self, client: str, history: list[Any]) -> str:
        digests = history_digests(client, history)
        if not digests:
            return _scope_of(client)
        with self._lock:
            found = self.store.prefix_lookup(digests)
            known, scope, went_on = found if found is not None else (0, "", False)
            if known == len(digests):
                # the same history again: a retry keeps its scope; an old point of a
                # conversation that went on (or another conversation opening alike) does not
                return _scope_of("resent", digests[-1]) if went_on else scope
            if not known:
                scope = _scope_of(digests[0])
            elif not self.store.prefix_claim(digests[known - 1], digests[known]):
                scope = _scope_of(digests[known])  # another history went on from here first
            self.store.prefix_remember(digests[known:], scope)
            return scope
