"""Where the master key lives: the OS keyring, a 0600 key file, or wrapped by a passphrase.

Also the short-lived unlock cache that `doppel vault unlock` fills so a `doppel start` running
without a terminal can open a passphrase vault.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import warnings
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from proxy.files import write_private
from proxy.vault.crypto import KEY_BYTES, NONCE_BYTES
from proxy.vault.errors import VaultCorrupt, VaultKeyMismatch

KEY_FILE = "vault.key"
KEY_FILE_NEW = "vault.key.new"  # a rotation in progress: becomes vault.key once the DB committed
_KEY_FILE_PREFIX = "doppel-vault-key-v1 "
KEYRING_SERVICE = "doppel-vault"
PASSPHRASE_ENV = "DOPPEL_PASSPHRASE"
NO_KEYRING_ENV = "DOPPEL_NO_KEYRING"  # "1": always use the key file (tests, servers)
RUNTIME_DIR_ENV = "DOPPEL_RUNTIME_DIR"
# scrypt cost: 2**15 x 8 x 128 B = 32 MiB and ~0.1 s per unlock; the parameters are stored
# with the vault so they can be raised later without breaking old vaults.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_WRAP_AD = b"doppel-vault-key-wrap-v1"


# --- key file --------------------------------------------------------------------------------

def write_key_file(path: Path, key: bytes) -> None:
    """Write `key` to `path` atomically with mode 0600 (temp file, fsync, rename)."""
    write_private(path, _KEY_FILE_PREFIX + base64.b64encode(key).decode() + "\n")


def read_key_file(path: Path) -> bytes | None:
    """The key in `path`, None if there is no such file; VaultKeyMismatch if it is not a key."""
    try:
        text = path.read_text("ascii").strip()
    except FileNotFoundError:
        return None
    except (UnicodeDecodeError, ValueError):
        raise VaultKeyMismatch(f"{path} is not a Doppel vault key file") from None
    if (path.stat().st_mode & 0o077) != 0:
        os.chmod(path, 0o600)  # someone loosened it: a key file is for its owner only
    try:
        if not text.startswith(_KEY_FILE_PREFIX):
            raise ValueError
        key = base64.b64decode(text[len(_KEY_FILE_PREFIX):], validate=True)
        if len(key) != KEY_BYTES:
            raise ValueError
    except ValueError:
        raise VaultKeyMismatch(f"{path} is not a Doppel vault key file") from None
    return key


# --- OS keyring ------------------------------------------------------------------------------

_usable_keyring_cache: list = []


def usable_keyring():
    """The OS keyring backend if one really works here, else None.

    Headless Linux has none: keyring then selects its `fail` backend (priority 0), which
    raises on every call. keyring is imported lazily: its backend discovery costs ~0.2 s.
    """
    if os.environ.get(NO_KEYRING_ENV) == "1":
        return None
    if not _usable_keyring_cache:
        import keyring
        backend = keyring.get_keyring()
        name = type(backend).__module__
        ok = (getattr(backend, "priority", 0) > 0
              and not name.startswith(("keyring.backends.fail", "keyring.backends.null")))
        _usable_keyring_cache.append(backend if ok else None)
    return _usable_keyring_cache[0]


def reset_keyring_cache() -> None:
    """Forget which keyring backend was found (tests set a different one)."""
    _usable_keyring_cache.clear()


def keyring_get(key_id: str) -> bytes | None:
    backend = usable_keyring()
    if backend is None:
        return None
    value = backend.get_password(KEYRING_SERVICE, key_id)
    if value is None:
        return None
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError:
        raise VaultKeyMismatch("the keyring entry for this vault is not a Doppel key") from None
    if len(key) != KEY_BYTES:
        raise VaultKeyMismatch("the keyring entry for this vault is not a Doppel key")
    return key


def keyring_set(key_id: str, key: bytes) -> None:
    usable_keyring().set_password(KEYRING_SERVICE, key_id, base64.b64encode(key).decode())


def keyring_delete(key_id: str) -> None:
    backend = usable_keyring()
    if backend is not None:
        try:
            backend.delete_password(KEYRING_SERVICE, key_id)
        except Exception:  # already gone: nothing to clean up
            pass


# --- passphrase ------------------------------------------------------------------------------

def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def wrap_key(key: bytes, passphrase: str) -> str:
    """The master key encrypted under scrypt(passphrase): stored in the vault's metadata."""
    if not passphrase:
        raise ValueError("an empty passphrase protects nothing")
    salt, nonce = os.urandom(16), os.urandom(NONCE_BYTES)
    wrapped = AESGCM(_kek(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(nonce, key, _WRAP_AD)
    return json.dumps({"kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                       "salt": salt.hex(), "nonce": nonce.hex(), "wrapped": wrapped.hex()})


def unwrap_key(stored: str, passphrase: str) -> bytes:
    try:
        d = json.loads(stored)
        salt, nonce, wrapped = (bytes.fromhex(d[k]) for k in ("salt", "nonce", "wrapped"))
        n, r, p = int(d["n"]), int(d["r"]), int(d["p"])
    except (ValueError, KeyError, TypeError):
        raise VaultCorrupt("the vault's passphrase record is damaged") from None
    try:
        return AESGCM(_kek(passphrase, salt, n, r, p)).decrypt(nonce, wrapped, _WRAP_AD)
    except InvalidTag:
        raise VaultKeyMismatch("wrong passphrase for this vault") from None


# --- unlock cache ----------------------------------------------------------------------------

def runtime_dir() -> Path:
    """Per-user runtime directory ($XDG_RUNTIME_DIR/doppel: tmpfs, cleared at logout/reboot)."""
    if os.environ.get(RUNTIME_DIR_ENV):
        return Path(os.environ[RUNTIME_DIR_ENV])
    import platformdirs
    with warnings.catch_warnings():  # headless: no XDG_RUNTIME_DIR, platformdirs falls back
        warnings.simplefilter("ignore")
        return Path(platformdirs.user_runtime_dir("doppel", appauthor=False))


def _unlock_file(data_dir: Path) -> Path:
    tag = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    return runtime_dir() / f"unlocked-{tag}.json"


def save_unlocked(data_dir: Path, key: bytes, ttl_s: float) -> Path:
    """Keep the unlocked master key for `ttl_s` seconds so `doppel start` can open the vault."""
    folder = runtime_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = _unlock_file(data_dir)
    write_private(path, json.dumps({"expires": time.time() + ttl_s,
                                    "key": base64.b64encode(key).decode()}))
    return path


def load_unlocked(data_dir: Path) -> bytes | None:
    path = _unlock_file(data_dir)
    try:
        d = json.loads(path.read_text())
        key = base64.b64decode(d["key"], validate=True)
        expired = time.time() > float(d["expires"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        expired, key = True, b""
    if expired or len(key) != KEY_BYTES:
        clear_unlocked(data_dir)
        return None
    return key


def clear_unlocked(data_dir: Path) -> bool:
    try:
        _unlock_file(data_dir).unlink()
        return True
    except FileNotFoundError:
        return False
