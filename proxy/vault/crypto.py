"""Key derivation and row sealing: AES-256-GCM for real values, HMAC-SHA256 for look-ups.

One random 256-bit master key; HKDF derives a separate sub-key per purpose so a MAC never
shares a key with the cipher.
"""
from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from proxy.vault.errors import VaultCorrupt

KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_CHECK_MESSAGE = b"doppel vault key check v1"
_ROW_AD_TAG = "doppel-vault-row-v1"
_SCOPE_SECRET_AD = b"doppel-vault-scope-secret-v1"


def new_master_key() -> bytes:
    return os.urandom(KEY_BYTES)


def derive_key(secret: bytes, purpose: bytes) -> bytes:
    """A 256-bit sub-key of ``secret`` for one purpose (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=b"doppel vault " + purpose).derive(secret)


def mac(key: bytes, message: str) -> bytes:
    return hmac.digest(key, message.encode("utf-8"), "sha256")


@dataclass(frozen=True, slots=True)
class SealedRow:
    key_mac: bytes
    real_mac: bytes
    nonce: bytes
    ciphertext: bytes


class KeySet:
    """The sub-keys of one master key. Holds key material: never log or repr it."""

    __slots__ = ("master", "_aead", "_lookup", "_real", "_check")

    def __init__(self, master: bytes):
        if len(master) != KEY_BYTES:
            raise ValueError("a vault key is 32 bytes")
        self.master = master
        self._aead = AESGCM(derive_key(master, b"row encryption v1"))
        self._lookup = derive_key(master, b"lookup mac v1")
        self._real = derive_key(master, b"real value mac v1")
        self._check = derive_key(master, b"key check v1")

    def __repr__(self) -> str:
        return "KeySet(<secret>)"

    def key_check(self) -> str:
        """Stored in the vault's metadata: a wrong key is detected at open, not at decrypt."""
        return hmac.digest(self._check, _KEY_CHECK_MESSAGE, "sha256").hex()

    def matches(self, key_check: str) -> bool:
        return hmac.compare_digest(self.key_check(), key_check)

    def key_mac(self, key: str) -> bytes:
        return mac(self._lookup, key)

    def real_mac(self, real: str) -> bytes:
        return mac(self._real, real.casefold())

    def seal(self, scope: str, category: str, key: str, real: str, standin: str) -> SealedRow:
        key_mac, real_mac = self.key_mac(key), self.real_mac(real)
        nonce = os.urandom(NONCE_BYTES)
        payload = json.dumps([key, real], ensure_ascii=False).encode("utf-8")
        ct = self._aead.encrypt(nonce, payload, _row_ad(scope, category, key_mac, real_mac, standin))
        return SealedRow(key_mac, real_mac, nonce, ct)

    def open(self, scope: str, category: str, key_mac: bytes, real_mac: bytes, standin: str,
             nonce: bytes, ciphertext: bytes) -> tuple[str, str]:
        """(key, real) of a row; VaultCorrupt if any byte of it was changed or moved."""
        try:
            payload = self._aead.decrypt(nonce, ciphertext,
                                         _row_ad(scope, category, key_mac, real_mac, standin))
        except (InvalidTag, ValueError, TypeError):
            raise VaultCorrupt(f"a {category} mapping in scope {scope!r} failed authentication: "
                               "the vault file was changed outside Doppel") from None
        key, real = json.loads(payload)
        return key, real

    def seal_secret(self, secret: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        return json.dumps({"nonce": nonce.hex(),
                           "ct": self._aead.encrypt(nonce, secret, _SCOPE_SECRET_AD).hex()})

    def open_secret(self, sealed: str) -> bytes:
        try:
            d = json.loads(sealed)
            return self._aead.decrypt(bytes.fromhex(d["nonce"]), bytes.fromhex(d["ct"]),
                                      _SCOPE_SECRET_AD)
        except (InvalidTag, ValueError, KeyError, TypeError):
            raise VaultCorrupt("the vault's scope secret failed authentication") from None


class SealingKeys:
    """A MAC key and an AES-GCM key derived from one secret for one purpose (continuations,
    the user's terms): look-ups by keyed hash, values sealed with their row's associated data.
    Holds key material: never log or repr it."""

    __slots__ = ("_mac", "_aead", "_ad_tag")

    def __init__(self, secret: bytes, purpose: bytes, ad_tag: bytes):
        self._mac = derive_key(secret, purpose + b" mac v1")
        self._aead = AESGCM(derive_key(secret, purpose + b" seal v1"))
        self._ad_tag = ad_tag

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<secret>)"

    def mac(self, value: str) -> bytes:
        return hmac.digest(self._mac, value.encode("utf-8", "surrogateescape"), "sha256")

    def seal(self, value: str, ad: bytes) -> tuple[bytes, bytes]:
        nonce = os.urandom(NONCE_BYTES)
        return nonce, self._aead.encrypt(nonce, value.encode("utf-8", "surrogateescape"),
                                         self._ad_tag + ad)

    def open(self, nonce: bytes, sealed: bytes, ad: bytes) -> str | None:
        """The value, or None if any byte of it, its nonce or its row changed."""
        try:
            return self._aead.decrypt(nonce, sealed, self._ad_tag + ad).decode("utf-8", "surrogateescape")
        except (InvalidTag, ValueError):
            return None


def _row_ad(scope: str, category: str, key_mac: bytes, real_mac: bytes, standin: str) -> bytes:
    # Associated data: moving a ciphertext to another row (other scope, key, category or
    # stand-in) makes decryption fail instead of restoring the wrong real value.
    return json.dumps([_ROW_AD_TAG, scope, category, key_mac.hex(), real_mac.hex(), standin],
                      ensure_ascii=False).encode("utf-8")
