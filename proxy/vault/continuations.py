"""Which conversation a server-side response continues, kept in the vault.

An OpenAI Responses request may send only its new turn and name the earlier response
(``previous_response_id``): Doppel must protect and restore it in that response's scope, also
after a restart. A row per response id holds:
- HMACs of the response id and of the client (look-ups; only the client that owns the
  conversation may continue it),
- the scope as the mappings store it, in clear (so forgetting a conversation and retention match
  these rows as they match mappings: proxy/vault/db.py forget),
- the scope as the proxy names it, sealed with AES-GCM: an "api:" scope is a bare hash of the
  first prompt (guessable, see Vault._scope), so it never lies on disk in clear.
The keys derive from the vault's scope secret, which key rotation keeps, so rotating the master
key has nothing to re-encrypt here.
"""
from __future__ import annotations

import sqlite3
import time

import sqlite_utils

from proxy.vault.crypto import SealingKeys

TABLE = "continuations"
COLUMNS = {
    "id_mac": bytes,       # HMAC-SHA256(continuation mac key, response id)
    "client_mac": bytes,   # HMAC-SHA256(continuation mac key, client id)
    "scope": str,          # the scope as stored in mappings.scope
    "nonce": bytes,
    "sealed": bytes,       # AES-256-GCM(the scope as the proxy names it); AD: id_mac + client_mac
    "created": float,
    "last_used": float,    # retention drops rows unused this long, like mappings
}


def create_table(db: sqlite_utils.Database) -> None:
    table = db[TABLE]
    table.create(COLUMNS, pk="id_mac", not_null=list(COLUMNS), if_not_exists=True)
    table.create_index(["scope"], index_name="continuations_scope", if_not_exists=True)


class ContinuationKeys(SealingKeys):
    """The sub-keys of one scope secret for one purpose ("continuation" here, "prefix" for
    proxy/vault/prefixes.py). A row changed outside Doppel opens to None: no continuation
    rather than a wrong scope."""

    __slots__ = ()

    def __init__(self, scope_secret: bytes, purpose: str = "continuation"):
        super().__init__(scope_secret, purpose.encode(), f"doppel-vault-{purpose}-v1".encode())


def remember(conn: sqlite3.Connection, keys: ContinuationKeys, response_id: str, client: str,
             stored_scope: str, scope: str) -> None:
    """Record that ``response_id`` (answered to ``client``) belongs to ``scope``. The caller
    holds the write transaction. A response id seen again keeps its first row."""
    id_mac, client_mac = keys.mac(response_id), keys.mac(client)
    nonce, sealed = keys.seal(scope, id_mac + client_mac)
    now = time.time()
    conn.execute(f"INSERT INTO {TABLE} (id_mac, client_mac, scope, nonce, sealed, created, last_used)"
                 " VALUES (?,?,?,?,?,?,?) ON CONFLICT(id_mac) DO NOTHING",
                 (id_mac, client_mac, stored_scope, nonce, sealed, now, now))


def lookup(conn: sqlite3.Connection, keys: ContinuationKeys, response_id: str,
           client: str) -> str | None:
    """The scope ``response_id`` continues, if that client's conversation recorded it."""
    id_mac, client_mac = keys.mac(response_id), keys.mac(client)
    row = conn.execute(f"SELECT nonce, sealed FROM {TABLE} WHERE id_mac = ? AND client_mac = ?",
                       (id_mac, client_mac)).fetchone()
    if row is None:
        return None
    return keys.open(row[0], row[1], id_mac + client_mac)


def touch(conn: sqlite3.Connection, keys: ContinuationKeys, response_id: str) -> None:
    conn.execute(f"UPDATE {TABLE} SET last_used = ? WHERE id_mac = ?",
                 (time.time(), keys.mac(response_id)))
