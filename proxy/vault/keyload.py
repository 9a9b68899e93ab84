"""Find (or, for a new vault, create) the master key and prove it is this vault's key."""
from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import time
from pathlib import Path

from proxy.vault import db, keysource
from proxy.vault.crypto import KeySet, new_master_key
from proxy.vault.errors import VaultError, VaultKeyMismatch, VaultLocked

log = logging.getLogger("doppel.vault")

FILE, KEYRING, PASSPHRASE = "file", "keyring", "passphrase"


def load_or_create(conn: sqlite3.Connection, data_dir: Path,
                   passphrase: str | None) -> tuple[KeySet, str]:
    """The vault's keys and where the key lives ("file" | "keyring" | "passphrase")."""
    meta = db.read_meta(conn)
    if "key_check" not in meta:
        # Under the write lock: two processes creating the same vault agree on one key.
        with db.write_txn(conn):
            meta = db.read_meta(conn)
            if "key_check" not in meta:
                keys, source = _create(conn, data_dir, passphrase)
                return keys, source
    return _load(meta, data_dir, passphrase), meta["key_source"]


def _create(conn: sqlite3.Connection, data_dir: Path, passphrase: str | None) -> tuple[KeySet, str]:
    passphrase = passphrase or os.environ.get(keysource.PASSPHRASE_ENV) or None
    meta = {"schema_version": db.SCHEMA_VERSION, "created": str(time.time())}
    if passphrase:
        master = new_master_key()
        meta.update(key_source=PASSPHRASE, wrapped_key=keysource.wrap_key(master, passphrase))
    elif keysource.usable_keyring() is not None:
        master, key_id = new_master_key(), secrets.token_hex(16)
        keysource.keyring_set(key_id, master)
        meta.update(key_source=KEYRING, key_id=key_id)
    else:
        # A key file left from a deleted vault.db is reused: a backup restored beside it opens.
        key_path = Path(data_dir) / keysource.KEY_FILE
        master = keysource.read_key_file(key_path)
        if master is None:
            master = new_master_key()
            keysource.write_key_file(key_path, master)
        meta.update(key_source=FILE)
    keys = KeySet(master)
    meta.update(key_check=keys.key_check(), scope_secret=keys.seal_secret(os.urandom(32)))
    db.write_meta(conn, meta)
    log.info("created a new vault (key kept in: %s)", meta["key_source"])
    return keys, meta["key_source"]


def _load(meta: dict[str, str], data_dir: Path, passphrase: str | None) -> KeySet:
    source = meta.get("key_source")
    if source == PASSPHRASE:
        return _load_passphrase(meta, data_dir, passphrase)
    if passphrase:
        raise VaultError("this vault is not passphrase-protected (its key is in the "
                         f"{source}); add one with `doppel vault rotate-key --set-passphrase`")
    if source == KEYRING:
        if keysource.usable_keyring() is None:
            raise VaultLocked("this vault's key is in the OS keyring, but no keyring is "
                              "available in this session")
        master = keysource.keyring_get(meta["key_id"])
        if master is None:
            raise VaultLocked("this vault's key is missing from the OS keyring")
        return _checked(KeySet(master), meta, "the key in the OS keyring")
    if source == FILE:
        return _load_file(meta, Path(data_dir))
    raise VaultError(f"unknown key source {source!r} in the vault's metadata")


def _load_file(meta: dict[str, str], data_dir: Path) -> KeySet:
    path, new_path = data_dir / keysource.KEY_FILE, data_dir / keysource.KEY_FILE_NEW
    master = keysource.read_key_file(path)
    pending = keysource.read_key_file(new_path) if new_path.exists() else None
    if master is not None and KeySet(master).matches(meta["key_check"]):
        if pending is not None:
            new_path.unlink()  # a rotation that never committed: the old key is still right
        return KeySet(master)
    if pending is not None and KeySet(pending).matches(meta["key_check"]):
        os.replace(new_path, path)  # a rotation committed but was cut off before this rename
        return KeySet(pending)
    if master is None:
        raise VaultLocked(f"the vault key file {path} is missing")
    raise VaultKeyMismatch(f"the key in {path} is not this vault's key")


def _load_passphrase(meta: dict[str, str], data_dir: Path, passphrase: str | None) -> KeySet:
    passphrase = passphrase or os.environ.get(keysource.PASSPHRASE_ENV) or None
    if passphrase:
        return _checked(KeySet(keysource.unwrap_key(meta["wrapped_key"], passphrase)), meta,
                        "the passphrase")
    cached = keysource.load_unlocked(data_dir)
    if cached is not None:
        keys = KeySet(cached)
        if keys.matches(meta["key_check"]):
            return keys
        keysource.clear_unlocked(data_dir)  # the key was rotated since `doppel vault unlock`
    raise VaultLocked("this vault is passphrase-protected: run `doppel vault unlock` or set "
                      f"{keysource.PASSPHRASE_ENV}",
                      needs_passphrase=True)


def _checked(keys: KeySet, meta: dict[str, str], what: str) -> KeySet:
    if not keys.matches(meta["key_check"]):
        raise VaultKeyMismatch(f"{what} does not match this vault's key check")
    return keys
