"""Which conversation a message history belongs to, kept in the vault (proxy/sites/scope.py).

An API client resends the whole history every turn; the scope of a request is that of the
longest prefix of its history an earlier request was protected in, so resent history finds its
stand-ins, also after a restart, and two conversations that open alike split as soon as one
goes on differently. A row per history prefix holds:
- an HMAC of the prefix's digest (look-ups: the digest is a plain hash of the messages, which a
  short opening like "hello" would let anyone guess),
- an HMAC of the digest of the first prefix that went on from it (NULL until one did: a second,
  different one starts a conversation of its own),
- the scope as the mappings store it, in clear (so forgetting a conversation and retention
  match these rows as they match mappings: proxy/vault/db.py forget), and the scope as the
  proxy names it, sealed with AES-GCM (an "api:" scope is a bare hash).
Keys derive from the vault's scope secret (proxy/vault/continuations.py ContinuationKeys).
"""
from __future__ import annotations

import sqlite3
import time

import sqlite_utils

from proxy.vault.continuations import ContinuationKeys

TABLE = "prefixes"
COLUMNS = {
    "prefix_mac": bytes,   # HMAC-SHA256(prefix mac key, the prefix's digest)
    "child_mac": bytes,    # the same for the first prefix that went on from this one, or NULL
    "scope": str,          # the scope as stored in mappings.scope
    "nonce": bytes,
    "sealed": bytes,       # AES-256-GCM(the scope as the proxy names it); AD: prefix_mac
    "created": float,
    "last_used": float,    # retention drops rows unused this long, like mappings
}


def keys(scope_secret: bytes) -> ContinuationKeys:
    return ContinuationKeys(scope_secret, purpose="prefix")


def create_table(db: sqlite_utils.Database) -> None:
    table = db[TABLE]
    table.create(COLUMNS, pk="prefix_mac",
                 not_null=[c for c in COLUMNS if c != "child_mac"], if_not_exists=True)
    table.create_index(["scope"], index_name="prefixes_scope", if_not_exists=True)


TOUCH_AFTER_S = 3600.0  # last_used is for retention (days): refreshed at most hourly


def lookup(conn: sqlite3.Connection, k: ContinuationKeys,
           digests: list[str]) -> tuple[int, str, bool, bytes | None] | None:
    """(how many messages the longest known prefix holds, its scope, whether one went on from
    it, its MAC if its last_used is due a refresh (see touch)) of a history given as the
    digests of its prefixes, shortest first; None if none is known. Reads only."""
    macs = [k.mac(d) for d in digests]
    marks = ",".join("?" * len(macs))
    rows = {row[0]: row[1:] for row in conn.execute(
        f"SELECT prefix_mac, nonce, sealed, child_mac, last_used FROM {TABLE}"
        f" WHERE prefix_mac IN ({marks})", macs)}
    for i in range(len(macs) - 1, -1, -1):
        row = rows.get(macs[i])
        if row is not None:
            scope = k.open(row[0], row[1], macs[i])
            if scope is None:
                return None  # changed outside Doppel: a conversation of its own
            stale = time.time() - row[3] > TOUCH_AFTER_S
            return i + 1, scope, row[2] is not None, macs[i] if stale else None
    return None


def touch(conn: sqlite3.Connection, mac: bytes) -> None:
    conn.execute(f"UPDATE {TABLE} SET last_used = ? WHERE prefix_mac = ?", (time.time(), mac))


def claim(conn: sqlite3.Connection, k: ContinuationKeys, digest: str, child: str) -> bool:
    """Make ``child`` the prefix that went on from ``digest``, unless another one did first;
    True if ``child`` is it. The caller holds the write transaction."""
    mac, child_mac = k.mac(digest), k.mac(child)
    conn.execute(f"UPDATE {TABLE} SET child_mac = ? WHERE prefix_mac = ? AND child_mac IS NULL",
                 (child_mac, mac))
    row = conn.execute(f"SELECT child_mac FROM {TABLE} WHERE prefix_mac = ?", (mac,)).fetchone()
    return row is not None and row[0] == child_mac


def remember(conn: sqlite3.Connection, k: ContinuationKeys, digests: list[str],
             stored_scope: str, scope: str) -> None:
    """Each prefix (shortest first) belongs to ``scope`` unless known already, and goes on to
    the next one unless another went on from it first. The caller holds the write transaction."""
    now = time.time()
    macs = [k.mac(d) for d in digests]
    for i, mac in enumerate(macs):
        nonce, sealed = k.seal(scope, mac)
        conn.execute(f"INSERT INTO {TABLE} (prefix_mac, child_mac, scope, nonce, sealed, created,"
                     " last_used) VALUES (?,?,?,?,?,?,?) ON CONFLICT(prefix_mac) DO NOTHING",
                     (mac, macs[i + 1] if i + 1 < len(macs) else None, stored_scope, nonce,
                      sealed, now, now))
