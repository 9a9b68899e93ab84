"""The user's own terms ("always protect" / "never protect"), kept encrypted in the vault.

The terms are private (client names, project code names, children's names), so they are stored
like mappings: AES-256-GCM ciphertext, and a keyed HMAC of the folded term for look-ups (one row
per term: adding a term to one list takes it off the other). The kind and category are bound to
the ciphertext as associated data. The keys derive from the vault's scope secret, which key
rotation keeps (as for continuations), so rotating the master key has nothing to re-encrypt.

`doppel terms` may change them from another process while Doppel runs: every change bumps
``terms_version`` in the meta table in the same transaction, and a reader checks SQLite's
``PRAGMA data_version`` (which moves only when another connection committed; no disk read)
before it looks at that counter, so the running Protector sees a change on its next text at the
cost of one pragma per check.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Callable, Literal

import sqlite_utils

from detector.categories import Category
from detector.terms import Term, fold
from proxy.vault import db
from proxy.vault.crypto import SealingKeys
from proxy.vault.errors import VaultCorrupt

TABLE = "terms"
COLUMNS = {
    "term_mac": bytes,    # HMAC-SHA256(terms mac key, folded term)
    "kind": str,          # "always" | "never"
    "category": str,      # always: a Category (CUSTOM: same-shape stand-in); never: ""
    "nonce": bytes,
    "sealed": bytes,      # AES-256-GCM(the term as the user wrote it); AD: mac, kind, category
    "created": float,
}
VERSION_KEY = "terms_version"
MAX_TERM_CHARS = 200
_AD_TAG = b"doppel-vault-term-v1"

Kind = Literal["always", "never"]
KINDS: tuple[str, ...] = ("always", "never")


def create_table(database: sqlite_utils.Database) -> None:
    database[TABLE].create(COLUMNS, pk="term_mac", not_null=list(COLUMNS), if_not_exists=True)


def clean(term: str) -> str:
    """The term as stored: inner whitespace collapsed. ValueError for an empty or long one."""
    cleaned = " ".join(term.split())
    if not cleaned:
        raise ValueError("a term cannot be empty")
    if len(cleaned) > MAX_TERM_CHARS:
        raise ValueError(f"a term is at most {MAX_TERM_CHARS} characters")
    return cleaned


@dataclass(frozen=True)
class StoredTerm:
    term: str
    kind: Kind
    category: str  # "" for never-terms


class TermKeys(SealingKeys):
    """The sub-keys of one scope secret: a term's look-up key is the MAC of its folded form,
    and a row changed outside Doppel is an error (never a wrong list)."""

    __slots__ = ()

    def __init__(self, scope_secret: bytes):
        super().__init__(scope_secret, b"terms", _AD_TAG)

    def mac(self, term: str) -> bytes:
        return super().mac(fold(term))

    def open(self, nonce: bytes, sealed: bytes, ad: bytes) -> str:
        term = super().open(nonce, sealed, ad)
        if term is None:
            raise VaultCorrupt("a stored term failed authentication: the vault file was changed "
                               "outside Doppel")
        return term


def _ad(term_mac: bytes, kind: str, category: str) -> bytes:
    return b"|".join((term_mac, kind.encode(), category.encode()))


class TermStore:
    """The terms of one open vault; a detector.terms.TermSource for the Protector.

    ``connection`` returns the vault's connection and ``lock`` is the vault's lock (one SQLite
    connection per vault, shared by the proxy's worker threads)."""

    def __init__(self, connection: Callable[[], sqlite3.Connection], lock: threading.RLock,
                 scope_secret: bytes) -> None:
        self._conn = connection
        self._lock = lock
        self._keys = TermKeys(scope_secret)
        self._data_version: int | None = None
        self._version: str | None = None
        self._always: tuple[Term, ...] = ()
        self._never: tuple[str, ...] = ()

    # --- TermSource ---------------------------------------------------------------------
    def always(self) -> tuple[Term, ...]:
        self._refresh()
        return self._always

    def never(self) -> tuple[str, ...]:
        self._refresh()
        return self._never

    # --- managing ----------------------------------------------------------------------
    def add(self, term: str, *, kind: Kind = "always", category: str | None = None) -> StoredTerm:
        """Add ``term`` to the ``kind`` list (taking it off the other one). ValueError for an
        empty or too long term, an unknown kind or category, or a category on a never-term."""
        term = clean(term)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if kind == "never":
            if category:
                raise ValueError("a never-protect term has no category")
            category = ""
        else:
            try:
                category = str(Category(category.upper())) if category else str(Category.CUSTOM)
            except ValueError:
                raise ValueError("unknown category") from None
        term_mac = self._keys.mac(term)
        nonce, sealed = self._keys.seal(term, _ad(term_mac, kind, category))
        with self._lock, db.write_txn(self._conn()) as conn:
            conn.execute(f"INSERT INTO {TABLE} (term_mac, kind, category, nonce, sealed, created)"
                         " VALUES (?,?,?,?,?,?) ON CONFLICT(term_mac) DO UPDATE SET"
                         " kind = excluded.kind, category = excluded.category,"
                         " nonce = excluded.nonce, sealed = excluded.sealed",
                         (term_mac, kind, category, nonce, sealed, time.time()))
            self._bump(conn)
        self._data_version = None  # our own write: read the lists again next time
        return StoredTerm(term, kind, category)

    def remove(self, term: str) -> bool:
        """Take ``term`` off whichever list holds it; False if none did."""
        term_mac = self._keys.mac(clean(term))
        with self._lock, db.write_txn(self._conn()) as conn:
            gone = conn.execute(f"DELETE FROM {TABLE} WHERE term_mac = ?", (term_mac,)).rowcount
            if gone:
                self._bump(conn)
        self._data_version = None
        return bool(gone)

    def kind_of(self, term: str) -> Kind | None:
        with self._lock:
            row = self._conn().execute(f"SELECT kind FROM {TABLE} WHERE term_mac = ?",
                                       (self._keys.mac(clean(term)),)).fetchone()
        return row[0] if row else None

    def list(self) -> list[StoredTerm]:
        """Every term, decrypted, always-terms first, each list in the order added."""
        with self._lock:
            rows = self._conn().execute(
                f"SELECT term_mac, kind, category, nonce, sealed FROM {TABLE} "
                "ORDER BY kind, created").fetchall()
        return [StoredTerm(self._keys.open(nonce, sealed, _ad(mac, kind, category)), kind, category)
                for mac, kind, category, nonce, sealed in rows]

    def count(self) -> dict[str, int]:
        with self._lock:
            counts = dict(self._conn().execute(f"SELECT kind, count(*) FROM {TABLE} GROUP BY kind"))
        return {kind: counts.get(kind, 0) for kind in KINDS}

    # --- internals ---------------------------------------------------------------------
    @staticmethod
    def _bump(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO meta (k, v) VALUES (?, '1') ON CONFLICT(k) DO UPDATE SET "
                     "v = CAST(CAST(v AS INTEGER) + 1 AS TEXT)", (VERSION_KEY,))

    def _refresh(self) -> None:
        with self._lock:
            conn = self._conn()
            data_version = conn.execute("PRAGMA data_version").fetchone()[0]
            if data_version == self._data_version:
                return
            row = conn.execute("SELECT v FROM meta WHERE k = ?", (VERSION_KEY,)).fetchone()
            version = row[0] if row else "0"
            if version != self._version or self._data_version is None:
                terms = self.list()
                self._always = tuple(Term(t.term, Category(t.category)) for t in terms
                                     if t.kind == "always")
                self._never = tuple(t.term for t in terms if t.kind == "never")
                self._version = version
            self._data_version = data_version
