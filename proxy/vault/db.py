"""The vault's SQLite file: connection, schema, and the operations that need no key.

Schema and WAL set-up go through sqlite-utils; the hot paths (find/add per prompt) use plain
prepared statements on the same connection, because sqlite-utils' Table helpers add
introspection queries that would cost more than the look-up itself.
"""
from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from proxy.vault import continuations, prefixes, terms

DB_FILE = "vault.db"
SCHEMA_VERSION = "1"
FILE_MODE = 0o600
BUSY_TIMEOUT_S = 30.0  # several proxies / CLI calls may write at once; WAL lets readers go on

MAPPING_COLUMNS = {
    "id": int,
    "scope": str,          # conversation scope, in clear (ids, or keyed hashes for API traffic)
    "category": str,
    "key_mac": bytes,      # HMAC-SHA256(lookup key, the stand-in layer's key)
    "real_mac": bytes,     # HMAC-SHA256(real key, casefold(real value)): is_real_value()
    "nonce": bytes,        # 96-bit random AES-GCM nonce
    "ciphertext": bytes,   # AES-256-GCM([key, real]); AD binds scope/category/macs/stand-in
    "standin": str,        # what the cloud saw: kept in clear
    "standin_fold": str,   # casefold(standin): standin_in_use()
    "created": float,
    "last_used": float,
}


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILE


def connect(data_dir: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and with `create`, make) the vault file with mode 0600, WAL, and the schema."""
    path = db_path(data_dir)
    if create:
        # Create the file ourselves so it is 0600 from its first byte; SQLite gives the -wal
        # and -shm files the same mode as the database file.
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, FILE_MODE))
    elif not path.exists():
        raise FileNotFoundError(path)
    if (path.stat().st_mode & 0o777) != FILE_MODE:
        os.chmod(path, FILE_MODE)
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a writer takes the lock
    # before reading (no deadlock-prone read->write upgrades between processes).
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute("PRAGMA secure_delete=ON")  # forgotten rows are zeroed, not left in free pages
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL: durable across process crashes
        _create_schema(conn)
    except BaseException:
        conn.close()
        raise
    return conn


_SCHEMA_OBJECTS = ("meta", "mappings", "mappings_scope_key", "mappings_real",
                   "mappings_scope_standin", "mappings_last_used", continuations.TABLE,
                   "continuations_scope", prefixes.TABLE, "prefixes_scope", terms.TABLE)
# (a vault from before continuations, prefixes or terms gets them on open)


def _create_schema(conn: sqlite3.Connection) -> None:
    """Create the schema unless it is there. Processes creating one vault at once can get
    SQLITE_BUSY without the busy handler (the file is still in rollback-journal mode until one
    of them switched it to WAL), so retry for as long as the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if not _schema_ready(conn):
                _create_schema_once(conn)
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.02, 0.1))


def _schema_ready(conn: sqlite3.Connection) -> bool:
    marks = ",".join("?" * len(_SCHEMA_OBJECTS))
    found = conn.execute(f"SELECT count(*) FROM sqlite_master WHERE name IN ({marks})",
                         _SCHEMA_OBJECTS).fetchone()[0]
    return found == len(_SCHEMA_OBJECTS) and \
        conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _create_schema_once(conn: sqlite3.Connection) -> None:
    db = sqlite_utils.Database(conn, execute_plugins=False, recursive_triggers=False)
    db.enable_wal()
    db["meta"].create({"k": str, "v": str}, pk="k", not_null=["v"], if_not_exists=True)
    mappings = db["mappings"]
    mappings.create(MAPPING_COLUMNS, pk="id", not_null=[c for c in MAPPING_COLUMNS if c != "id"],
                    if_not_exists=True)
    mappings.create_index(["scope", "key_mac"], index_name="mappings_scope_key", unique=True,
                          if_not_exists=True)
    mappings.create_index(["real_mac"], index_name="mappings_real", if_not_exists=True)
    mappings.create_index(["scope", "standin_fold"], index_name="mappings_scope_standin",
                          if_not_exists=True)
    mappings.create_index(["last_used"], index_name="mappings_last_used", if_not_exists=True)
    continuations.create_table(db)
    prefixes.create_table(db)
    terms.create_table(db)


@contextmanager
def write_txn(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taking SQLite's write lock up front (BEGIN IMMEDIATE)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (SQLITE_FULL does): a second ROLLBACK would raise
        # "no transaction is active" and hide the real error (found by tests/hardening).
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT k, v FROM meta").fetchall())


def write_meta(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    conn.executemany("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
                     list(values.items()))


def delete_meta(conn: sqlite3.Connection, *keys: str) -> None:
    conn.executemany("DELETE FROM meta WHERE k = ?", [(k,) for k in keys])


def scope_matches(conversation: str) -> tuple[str, tuple[str, ...]]:
    """SQL matching a scope given as itself or as its conversation id ("chatgpt:<id>")."""
    escaped = conversation.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "(scope = ? OR scope LIKE ? ESCAPE '\\')", (conversation, "%:" + escaped)


def forget(conn: sqlite3.Connection, *, conversation: str | None = None,
           older_than_s: float | None = None, everything: bool = False,
           now: float | None = None) -> int:
    """Delete mappings, and the continuations and history prefixes of the same scopes (or as
    old); returns how many mappings. Needs no key, so a locked vault can still be wiped."""
    if sum(x is not None and x is not False for x in (conversation, older_than_s, everything)) != 1:
        raise ValueError("give exactly one of conversation, older_than_s, everything")
    if conversation is not None:
        where, args = scope_matches(conversation)
    elif older_than_s is not None:
        where, args = "last_used < ?", ((now if now is not None else time.time()) - older_than_s,)
    else:
        where, args = "1", ()
    with write_txn(conn):
        deleted = conn.execute(f"DELETE FROM mappings WHERE {where}", args).rowcount
        gone = conn.execute(f"DELETE FROM {continuations.TABLE} WHERE {where}", args).rowcount
        gone += conn.execute(f"DELETE FROM {prefixes.TABLE} WHERE {where}", args).rowcount
    if deleted or gone:
        # Move the deletions out of the WAL too, so forgotten rows leave no copy on disk.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return deleted


def stats(conn: sqlite3.Connection) -> dict:
    """Counts per category and per scope, and time range: never a value, real or stand-in."""
    total, oldest, newest = conn.execute(
        "SELECT count(*), min(created), max(last_used) FROM mappings").fetchone()
    per_category = dict(conn.execute(
        "SELECT category, count(*) FROM mappings GROUP BY category ORDER BY count(*) DESC, category"))
    per_scope = dict(conn.execute(
        "SELECT scope, count(*) FROM mappings GROUP BY scope ORDER BY count(*) DESC, scope"))
    return {"mappings": total, "per_category": per_category, "per_scope": per_scope,
            "scopes": len(per_scope), "oldest_created": oldest, "newest_used": newest}
