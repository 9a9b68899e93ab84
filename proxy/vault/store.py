"""The encrypted vault: a MappingStore (detector/store.py) kept in SQLite.

Real values exist only as AES-256-GCM ciphertext on disk; look-ups go through keyed HMACs; the
stand-ins (what the cloud sees anyway) are stored in clear. See docs/architecture.md#vault.
"""
from __future__ import annotations

import hmac
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from cachetools import LRUCache

from detector.store import Mapping
from proxy.datadir import ensure_data_dir
from proxy.vault import continuations, db, keyload, keysource, prefixes, settings
from proxy.vault.terms import TermStore
from proxy.vault.crypto import KeySet, new_master_key
from proxy.vault.errors import VaultError, VaultMissing

log = logging.getLogger("doppel.vault")

GLOBAL_SCOPE = "global"
API_SCOPE_PREFIX = "api:"
_TOUCH_FLUSH_ROWS = 256     # last_used is for retention (days): batch its writes
_TOUCH_FLUSH_S = 30.0
_SCOPE_CACHE_SIZE = 256     # decrypted mappings kept for this many recent conversations
_ROW = "id, scope, category, key_mac, real_mac, standin, nonce, ciphertext"


class Vault:
    """Encrypted, persistent MappingStore. Thread-safe; several processes may share a vault."""

    def __init__(self, data_dir: Path, *, passphrase: str | None = None,
                 global_scope: bool = False, retention_days: int | None = None,
                 create: bool = True):
        """Open the vault in `data_dir` (created, with a new key, if missing and `create`).

        passphrase: for a passphrase vault (else $DOPPEL_PASSPHRASE or `doppel vault unlock`);
        given for a new vault, it makes one. global_scope: one persona everywhere (every scope
        is "global"). retention_days: drop mappings unused this long (None: vault.toml's
        setting, 0: keep forever); applied now.
        """
        self.data_dir = ensure_data_dir(data_dir) if create else Path(data_dir)
        if not create and not db.db_path(self.data_dir).exists():
            raise VaultMissing(f"no vault in {self.data_dir}")
        self.global_scope = global_scope
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = db.connect(self.data_dir, create=create)
        try:
            self._keys, self.key_source = keyload.load_or_create(self._conn, self.data_dir, passphrase)
            self._scope_secret = self._keys.open_secret(db.read_meta(self._conn)["scope_secret"])
            self._continuation_keys = continuations.ContinuationKeys(self._scope_secret)
            self._prefix_keys = prefixes.keys(self._scope_secret)
            # The user's always/never terms: the Protector's TermSource (proxy/vault/terms.py).
            self.terms = TermStore(lambda: self._db, self._lock, self._scope_secret)
            # scope -> its decrypted mappings, for the most recently used conversations
            # (guarded by self._lock: cachetools caches are not thread-safe)
            self._cache: LRUCache[str, list[Mapping]] = LRUCache(_SCOPE_CACHE_SIZE)
            self._data_version = self._read_data_version()
            self._touched_rows: set[int] = set()
            self._touched_scopes: set[str] = set()
            self._last_flush = time.monotonic()
            if retention_days is None:
                retention_days = settings.load_retention_days(self.data_dir)
            self.retention_days = retention_days or None
            if self.retention_days:
                dropped = self.forget(older_than_s=self.retention_days * 86400.0)
                if dropped:
                    log.info("retention: dropped %d mappings unused for %d days",
                             dropped, self.retention_days)
        except BaseException:
            self._conn.close()
            self._conn = None
            raise

    @classmethod
    def open(cls, data_dir: Path, *, passphrase: str | None = None, global_scope: bool = False,
             retention_days: int | None = None, create: bool = True) -> "Vault":
        return cls(data_dir, passphrase=passphrase, global_scope=global_scope,
                   retention_days=retention_days, create=create)

    # --- MappingStore --------------------------------------------------------------------

    def find(self, scope: str, key: str) -> str | None:
        scope = self._scope(scope)
        key_mac = self._keys.key_mac(key)
        with self._lock:
            row = self._db.execute(f"SELECT {_ROW} FROM mappings WHERE scope = ? AND key_mac = ?",
                                   (scope, key_mac)).fetchone()
            if row is None:
                return None
            self._open(row)  # authenticates the row: a tampered stand-in is never served
            self._touched_rows.add(row[0])
            self._maybe_flush_touches()
            return row[5]

    def add(self, scope: str, category: str, key: str, real: str, standin: str) -> str:
        scope, category = self._scope(scope), str(category)
        key_mac = self._keys.key_mac(key)
        with self._lock, db.write_txn(self._db) as conn:
            row = conn.execute(f"SELECT {_ROW} FROM mappings WHERE scope = ? AND key_mac = ?",
                               (scope, key_mac)).fetchone()
            if row is not None:  # first writer wins (maybe another thread or process)
                self._open(row)
                self._touched_rows.add(row[0])
                self._flush_touches(conn)
                return row[5]
            sealed = self._keys.seal(scope, category, key, real, standin)
            now = time.time()
            conn.execute(
                "INSERT INTO mappings (scope, category, key_mac, real_mac, nonce, ciphertext,"
                " standin, standin_fold, created, last_used) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (scope, category, sealed.key_mac, sealed.real_mac, sealed.nonce,
                 sealed.ciphertext, standin, standin.casefold(), now, now))
            self._flush_touches(conn)
            self._cache.pop(scope, None)
            return standin

    def mappings(self, scope: str) -> list[Mapping]:
        scope = self._scope(scope)
        with self._lock:
            self._drop_cache_if_changed_elsewhere()
            cached = self._cache.get(scope)
            if cached is None:
                rows = self._db.execute(f"SELECT {_ROW} FROM mappings WHERE scope = ? ORDER BY id",
                                        (scope,)).fetchall()
                cached = [Mapping(real=self._open(r)[1], standin=r[5], category=r[2]) for r in rows]
                self._cache[scope] = cached  # the least recently used scope goes if full
            if cached:
                self._touched_scopes.add(scope)
                self._maybe_flush_touches()
            return list(cached)

    def is_real_value(self, value: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM mappings WHERE real_mac = ? LIMIT 1",
                                    (self._keys.real_mac(value),)).fetchone() is not None

    def standin_in_use(self, scope: str, standin: str) -> bool:
        with self._lock:
            return self._db.execute(
                "SELECT 1 FROM mappings WHERE scope = ? AND standin_fold = ? LIMIT 1",
                (self._scope(scope), standin.casefold())).fetchone() is not None

    # --- scopes --------------------------------------------------------------------------

    def rebind_scope(self, old_scope: str, new_scope: str) -> None:
        """Move every mapping of `old_scope` to `new_scope` (ChatGPT web: the first turn's
        provisional scope becomes the conversation id). A key already in `new_scope` keeps
        its stand-in there (first writer wins) and the moved duplicate is dropped."""
        old_scope, new_scope = self._scope(old_scope), self._scope(new_scope)
        if old_scope == new_scope:
            return
        with self._lock, db.write_txn(self._db) as conn:
            rows = conn.execute(f"SELECT {_ROW} FROM mappings WHERE scope = ? ORDER BY id",
                                (old_scope,)).fetchall()
            taken = {r[0] for r in conn.execute("SELECT key_mac FROM mappings WHERE scope = ?",
                                                (new_scope,))}
            for row in rows:
                row_id, _, category, key_mac, _, standin, _, _ = row
                key, real = self._open(row)
                if key_mac in taken:
                    conn.execute("DELETE FROM mappings WHERE id = ?", (row_id,))
                    continue
                # The scope is part of the row's associated data: re-seal under the new one.
                sealed = self._keys.seal(new_scope, category, key, real, standin)
                conn.execute("UPDATE mappings SET scope = ?, nonce = ?, ciphertext = ? WHERE id = ?",
                             (new_scope, sealed.nonce, sealed.ciphertext, row_id))
            self._cache.pop(old_scope, None)
            self._cache.pop(new_scope, None)
        if rows:
            log.info("rebound %d mappings to a new conversation scope", len(rows))

    # --- continuations (proxy/vault/continuations.py) -----------------------------------

    def remember_continuation(self, response_id: str, client: str, scope: str) -> None:
        """``response_id``, answered to ``client``, belongs to the conversation ``scope``."""
        with self._lock, db.write_txn(self._db) as conn:
            continuations.remember(conn, self._continuation_keys, response_id, client,
                                   self._scope(scope), scope)

    def continued_scope(self, response_id: str, client: str) -> str | None:
        """The scope of the conversation ``response_id`` belongs to, if ``client`` owns it."""
        with self._lock:
            scope = continuations.lookup(self._db, self._continuation_keys, response_id, client)
            if scope is not None:
                with db.write_txn(self._db) as conn:  # a continued conversation is in use
                    continuations.touch(conn, self._continuation_keys, response_id)
            return scope

    # --- history prefixes (proxy/vault/prefixes.py) --------------------------------------

    def prefix_lookup(self, digests: list[str]) -> tuple[int, str, bool] | None:
        """The longest known prefix of a history: (messages, scope, whether one went on)."""
        with self._lock:
            found = prefixes.lookup(self._db, self._prefix_keys, digests)
            if found is None:
                return None
            if found[3] is not None:  # a prefix in use: retention must not drop it
                with db.write_txn(self._db) as conn:
                    prefixes.touch(conn, found[3])
            return found[:3]

    def prefix_claim(self, digest: str, child: str) -> bool:
        """``child`` goes on from prefix ``digest``, unless another one did first."""
        with self._lock, db.write_txn(self._db) as conn:
            return prefixes.claim(conn, self._prefix_keys, digest, child)

    def prefix_remember(self, digests: list[str], scope: str) -> None:
        with self._lock, db.write_txn(self._db) as conn:
            prefixes.remember(conn, self._prefix_keys, digests, self._scope(scope), scope)

    # --- maintenance ---------------------------------------------------------------------

    def forget(self, *, conversation: str | None = None, older_than_s: float | None = None,
               everything: bool = False) -> int:
        """Delete the mappings of one conversation (its scope or id), those unused for
        `older_than_s` seconds, or all of them; returns how many were deleted."""
        with self._lock:
            self._flush_touches_now()
            deleted = db.forget(self._db, conversation=conversation, older_than_s=older_than_s,
                                everything=everything)
            if conversation is not None and self._scope(conversation) != conversation:
                # an API scope as the proxy names it (the stored form is re-keyed)
                deleted += db.forget(self._db, conversation=self._scope(conversation))
            self._cache.clear()
            return deleted

    def stats(self) -> dict:
        with self._lock:
            self._flush_touches_now()
            out = db.stats(self._db)
        out.update(key_source=self.key_source, retention_days=self.retention_days,
                   global_scope=self.global_scope, bytes_on_disk=disk_usage(self.data_dir))
        return out

    def export(self) -> list[dict]:
        """Every mapping decrypted (for `doppel vault export`): handle with care."""
        with self._lock:
            rows = self._db.execute(f"SELECT {_ROW}, created, last_used FROM mappings "
                                    "ORDER BY scope, id").fetchall()
            out = []
            for row in rows:
                key, real = self._open(row[:8])
                out.append({"scope": row[1], "category": row[2], "key": key, "real": real,
                            "standin": row[5], "created": row[8], "last_used": row[9]})
            return out

    def rotate_key(self, *, new_passphrase: str | None = None,
                   remove_passphrase: bool = False) -> int:
        """Re-encrypt every row under a new random key in one transaction; returns the count.

        new_passphrase: protect the new key with it (also switches a file/keyring vault to a
        passphrase). remove_passphrase: keep the new key in the keyring or a key file instead.
        A passphrase vault needs one of the two (the old passphrase is not kept in memory).
        """
        if new_passphrase is not None and remove_passphrase:
            raise ValueError("give new_passphrase or remove_passphrase, not both")
        if self.key_source == keyload.PASSPHRASE and new_passphrase is None and not remove_passphrase:
            raise ValueError("a passphrase vault needs new_passphrase (may be the same one) "
                             "or remove_passphrase=True to rotate its key")
        if new_passphrase is not None:
            target = keyload.PASSPHRASE
        elif self.key_source == keyload.FILE:
            target = keyload.FILE
        else:  # keyring stays in the keyring; a removed passphrase goes where a new vault's would
            target = keyload.KEYRING if keysource.usable_keyring() else keyload.FILE
        master = new_master_key()
        new_keys = KeySet(master)
        key_path = self.data_dir / keysource.KEY_FILE
        staged = self.data_dir / keysource.KEY_FILE_NEW
        meta = {"key_source": target, "key_check": new_keys.key_check(),
                "scope_secret": new_keys.seal_secret(self._scope_secret)}
        # Stage the new key where it will live before the DB switches to it, so a crash at any
        # point leaves a key that opens the vault (keyload finishes a staged file rotation).
        if target == keyload.FILE:
            keysource.write_key_file(staged, master)
        elif target == keyload.KEYRING:
            meta["key_id"] = os.urandom(16).hex()
            keysource.keyring_set(meta["key_id"], master)
        else:
            meta["wrapped_key"] = keysource.wrap_key(master, new_passphrase)
        old_meta = db.read_meta(self._db)
        with self._lock:
            self._flush_touches_now()
            try:
                with db.write_txn(self._db) as conn:
                    rows = conn.execute(f"SELECT {_ROW} FROM mappings ORDER BY id").fetchall()
                    for row in rows:
                        key, real = self._open(row)
                        sealed = new_keys.seal(row[1], row[2], key, real, row[5])
                        conn.execute("UPDATE mappings SET key_mac = ?, real_mac = ?, nonce = ?, "
                                     "ciphertext = ? WHERE id = ?",
                                     (sealed.key_mac, sealed.real_mac, sealed.nonce,
                                      sealed.ciphertext, row[0]))
                    db.write_meta(conn, meta)
                    stale = [k for k in ("key_id", "wrapped_key") if k in old_meta and k not in meta]
                    db.delete_meta(conn, *stale)
            except BaseException:
                staged.unlink(missing_ok=True)
                if target == keyload.KEYRING:
                    keysource.keyring_delete(meta["key_id"])
                raise
            # Committed: retire the old key.
            if target == keyload.FILE:
                os.replace(staged, key_path)
            else:
                key_path.unlink(missing_ok=True)
            if old_meta.get("key_source") == keyload.KEYRING:
                keysource.keyring_delete(old_meta["key_id"])
            keysource.clear_unlocked(self.data_dir)
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._keys, self.key_source = new_keys, target
            self._cache.clear()
        log.info("rotated the vault key: %d mappings re-encrypted (key kept in: %s)", len(rows), target)
        return len(rows)

    def keep_unlocked(self, ttl_s: float) -> Path:
        """Cache this (passphrase) vault's key in the runtime dir for `ttl_s` seconds, so a
        `doppel start` without a terminal can open it (`doppel vault unlock`)."""
        return keysource.save_unlocked(self.data_dir, self._keys.master, ttl_s)

    def close(self) -> None:
        with self._lock:
            if self._conn is None:
                return
            try:
                self._flush_touches_now()
            finally:
                self._conn.close()
                self._conn = None
                self._cache.clear()

    def __enter__(self) -> "Vault":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Vault({str(self.data_dir)!r}, key_source={self.key_source!r})"

    # --- internals -----------------------------------------------------------------------

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise VaultError("the vault is closed")
        return self._conn

    def _scope(self, scope: str) -> str:
        """The scope as stored. API scopes ("api:" + SHA-256 of client and first prompt) are
        re-keyed with this vault's secret: a plain hash of a short prompt can be reversed by
        hashing guesses; the keyed one cannot without the key. Stable across key rotations."""
        if self.global_scope:
            return GLOBAL_SCOPE
        if scope.startswith(API_SCOPE_PREFIX):
            return API_SCOPE_PREFIX + hmac.digest(self._scope_secret, scope.encode("utf-8"),
                                                  "sha256").hex()[:32]
        return scope

    def _open(self, row: tuple) -> tuple[str, str]:
        _, scope, category, key_mac, real_mac, standin, nonce, ciphertext = row
        return self._keys.open(scope, category, key_mac, real_mac, standin, nonce, ciphertext)

    def _read_data_version(self) -> int:
        return self._db.execute("PRAGMA data_version").fetchone()[0]

    def _drop_cache_if_changed_elsewhere(self) -> None:
        # data_version moves when another connection (process, CLI) commits: its adds or
        # forgets must be seen by the next restore.
        version = self._read_data_version()
        if version != self._data_version:
            self._data_version = version
            self._cache.clear()

    def _maybe_flush_touches(self) -> None:
        if (len(self._touched_rows) + len(self._touched_scopes) >= _TOUCH_FLUSH_ROWS
                or time.monotonic() - self._last_flush > _TOUCH_FLUSH_S):
            try:
                self._flush_touches_now()
            except sqlite3.OperationalError:  # busy: last_used can wait for the next flush
                pass

    def _flush_touches_now(self) -> None:
        if self._touched_rows or self._touched_scopes:
            with db.write_txn(self._db) as conn:
                self._flush_touches(conn)
        self._last_flush = time.monotonic()

    def _flush_touches(self, conn: sqlite3.Connection) -> None:
        now = time.time()
        if self._touched_rows:
            conn.executemany("UPDATE mappings SET last_used = ? WHERE id = ?",
                             [(now, i) for i in self._touched_rows])
        if self._touched_scopes:
            conn.executemany("UPDATE mappings SET last_used = ? WHERE scope = ?",
                             [(now, s) for s in self._touched_scopes])
        self._touched_rows.clear()
        self._touched_scopes.clear()
        self._last_flush = time.monotonic()


def disk_usage(data_dir: Path) -> dict[str, int]:
    """Bytes per vault file in the data dir (database, WAL, shared memory, key file)."""
    names = (db.DB_FILE, db.DB_FILE + "-wal", db.DB_FILE + "-shm", keysource.KEY_FILE)
    sizes = {n: (Path(data_dir) / n).stat().st_size for n in names if (Path(data_dir) / n).exists()}
    sizes["total"] = sum(sizes.values())
    return sizes
