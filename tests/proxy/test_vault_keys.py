"""Keys (file, keyring, passphrase, unlock cache, rotation) and tampering: clear errors only."""
from __future__ import annotations

import json
import os
import shutil
import time

import keyring
import keyring.backend
import pytest
from keyring.backends import fail

from proxy.vault import Vault, VaultCorrupt, VaultError, VaultKeyMismatch, VaultLocked, keysource
from tests.proxy.test_vault_support import SEED, hermetic_vault_env, raw, seed  # noqa: F401

REAL_A = SEED[0][3]


@pytest.fixture
def seeded(tmp_path):
    data = tmp_path / "d"
    with Vault.open(data) as v:
        seed(v)
    return data


# --- key file ------------------------------------------------------------------------------

def test_key_file_is_created_once_and_reused(tmp_path):
    data = tmp_path / "d"
    Vault.open(data).close()
    key = (data / "vault.key").read_bytes()
    Vault.open(data).close()
    assert (data / "vault.key").read_bytes() == key


def test_wrong_key_file_is_detected_at_open(seeded, tmp_path):
    other = tmp_path / "other"
    Vault.open(other).close()
    shutil.copy(other / "vault.key", seeded / "vault.key")
    with pytest.raises(VaultKeyMismatch, match="not this vault's key"):
        Vault.open(seeded)


def test_missing_key_file_is_locked(seeded):
    (seeded / "vault.key").unlink()
    with pytest.raises(VaultLocked, match="missing") as e:
        Vault.open(seeded)
    assert not e.value.needs_passphrase
    assert not (seeded / "vault.key").exists()  # never silently replaced by a new key


@pytest.mark.parametrize("content", [b"", b"hello", b"doppel-vault-key-v1 short\n", b"\xff\xfe\x00",
                                     b"doppel-vault-key-v1 " + b"A" * 60 + b"\n"])
def test_garbage_key_file_is_a_mismatch(seeded, content):
    (seeded / "vault.key").write_bytes(content)
    with pytest.raises(VaultKeyMismatch):
        Vault.open(seeded)


def test_loosened_key_file_is_tightened(seeded):
    os.chmod(seeded / "vault.key", 0o644)
    Vault.open(seeded).close()
    assert (seeded / "vault.key").stat().st_mode & 0o777 == 0o600


def test_tampered_key_check_is_a_mismatch(seeded):
    with raw(seeded) as conn:
        conn.execute("UPDATE meta SET v = ? WHERE k = 'key_check'", ("0" * 64,))
    with pytest.raises(VaultKeyMismatch):
        Vault.open(seeded)


def test_tampered_scope_secret_is_corrupt(seeded):
    with raw(seeded) as conn:
        d = json.loads(conn.execute("SELECT v FROM meta WHERE k = 'scope_secret'").fetchone()[0])
        d["ct"] = ("00" if d["ct"][:2] != "00" else "11") + d["ct"][2:]
        conn.execute("UPDATE meta SET v = ? WHERE k = 'scope_secret'", (json.dumps(d),))
    with pytest.raises(VaultCorrupt):
        Vault.open(seeded)


# --- passphrase ----------------------------------------------------------------------------

def test_passphrase_vault_round_trip(tmp_path, monkeypatch):
    data = tmp_path / "d"
    with Vault.open(data, passphrase="s3cret words") as v:
        seed(v)
        assert v.key_source == "passphrase"
    assert not (data / "vault.key").exists()
    with Vault.open(data, passphrase="s3cret words") as v:
        assert v.find(*SEED[0][:1], SEED[0][2]) == SEED[0][4]
    monkeypatch.setenv("DOPPEL_PASSPHRASE", "s3cret words")
    with Vault.open(data) as v:
        assert v.mappings("conv-a")[0].real == REAL_A


@pytest.mark.parametrize("attempt", ["wrong", "S3cret words", "s3cret words ", "s3cret"])
def test_wrong_passphrase_is_a_mismatch(tmp_path, attempt):
    Vault.open(tmp_path / "d", passphrase="s3cret words").close()
    with pytest.raises(VaultKeyMismatch, match="wrong passphrase"):
        Vault.open(tmp_path / "d", passphrase=attempt)


def test_no_passphrase_is_locked(tmp_path):
    Vault.open(tmp_path / "d", passphrase="pw-1").close()
    with pytest.raises(VaultLocked) as e:
        Vault.open(tmp_path / "d")
    assert e.value.needs_passphrase


def test_passphrase_for_a_key_file_vault_is_refused(seeded):
    with pytest.raises(VaultError, match="not passphrase-protected"):
        Vault.open(seeded, passphrase="anything")


def test_env_passphrase_creates_a_passphrase_vault(tmp_path, monkeypatch):
    monkeypatch.setenv("DOPPEL_PASSPHRASE", "from the env")
    Vault.open(tmp_path / "d").close()
    monkeypatch.delenv("DOPPEL_PASSPHRASE")
    with pytest.raises(VaultLocked):
        Vault.open(tmp_path / "d")


def test_unlock_cache_opens_without_passphrase_until_it_expires(tmp_path):
    data = tmp_path / "d"
    with Vault.open(data, passphrase="pw-2") as v:
        seed(v)
        cache = v.keep_unlocked(60)
    assert cache.stat().st_mode & 0o777 == 0o600
    assert not cache.is_relative_to(data)
    with Vault.open(data) as v:
        assert v.mappings("conv-a")[0].real == REAL_A
    payload = json.loads(cache.read_text())
    payload["expires"] = time.time() - 1
    cache.write_text(json.dumps(payload))
    with pytest.raises(VaultLocked):
        Vault.open(data)
    assert not cache.exists()  # an expired key is deleted, not left lying around


def test_unlock_cache_is_dropped_by_rotation(tmp_path):
    data = tmp_path / "d"
    with Vault.open(data, passphrase="pw-3") as v:
        v.keep_unlocked(60)
        v.rotate_key(new_passphrase="pw-4")
    with pytest.raises(VaultLocked):
        Vault.open(data)
    Vault.open(data, passphrase="pw-4").close()


# --- OS keyring ----------------------------------------------------------------------------

class DictKeyring(keyring.backend.KeyringBackend):
    """A keyring backend held in memory: this headless machine has no real one (Secret
    Service / KWallet / macOS Keychain), so this stands in for it through keyring's own API."""
    priority = 1

    def __init__(self):
        super().__init__()
        self.entries = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        self.entries.pop((service, username))


@pytest.fixture
def os_keyring(monkeypatch):
    previous = keyring.get_keyring()
    backend = DictKeyring()
    monkeypatch.delenv("DOPPEL_NO_KEYRING")
    keyring.set_keyring(backend)
    keysource.reset_keyring_cache()
    yield backend
    keyring.set_keyring(previous)
    keysource.reset_keyring_cache()


def test_headless_fail_backend_is_not_usable(monkeypatch):
    previous = keyring.get_keyring()
    monkeypatch.delenv("DOPPEL_NO_KEYRING")
    keyring.set_keyring(fail.Keyring())
    keysource.reset_keyring_cache()
    try:
        assert keysource.usable_keyring() is None
    finally:
        keyring.set_keyring(previous)
        keysource.reset_keyring_cache()


def test_keyring_vault_keeps_no_key_file(tmp_path, os_keyring):
    data = tmp_path / "d"
    with Vault.open(data) as v:
        seed(v)
        assert v.key_source == "keyring"
    assert not (data / "vault.key").exists()
    assert len(os_keyring.entries) == 1
    with Vault.open(data) as v:
        assert v.mappings("conv-a")[0].real == REAL_A
        v.rotate_key()
    assert len(os_keyring.entries) == 1  # the old entry was deleted after the rotation
    with Vault.open(data) as v:
        assert v.mappings("conv-a")[0].real == REAL_A
    os_keyring.entries.clear()
    with pytest.raises(VaultLocked, match="keyring"):
        Vault.open(data)


def test_keyring_vault_without_keyring_is_locked(tmp_path, os_keyring, monkeypatch):
    Vault.open(tmp_path / "d").close()
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    with pytest.raises(VaultLocked, match="no keyring"):
        Vault.open(tmp_path / "d")


# --- rotation ------------------------------------------------------------------------------

def test_rotation_re_encrypts_and_retires_the_old_key(seeded, tmp_path):
    old_key = (seeded / "vault.key").read_bytes()
    with raw(seeded) as conn:
        before = conn.execute("SELECT id, key_mac, ciphertext, standin FROM mappings ORDER BY id").fetchall()
    with Vault.open(seeded) as v:
        assert v.rotate_key() == len(SEED)
        assert [m.real for m in v.mappings("conv-a")] == [r for s, _, _, r, _ in SEED if s == "conv-a"]
    with raw(seeded) as conn:
        after = conn.execute("SELECT id, key_mac, ciphertext, standin FROM mappings ORDER BY id").fetchall()
    assert [r[0] for r in after] == [r[0] for r in before]
    assert all(a[1] != b[1] and a[2] != b[2] and a[3] == b[3] for a, b in zip(after, before))
    new_key = (seeded / "vault.key").read_bytes()
    assert new_key != old_key
    (seeded / "vault.key").write_bytes(old_key)
    with pytest.raises(VaultKeyMismatch):
        Vault.open(seeded)


def test_rotation_switches_to_and_from_a_passphrase(seeded):
    with Vault.open(seeded) as v:
        v.rotate_key(new_passphrase="now with a passphrase")
    assert not (seeded / "vault.key").exists()
    with pytest.raises(VaultLocked):
        Vault.open(seeded)
    with Vault.open(seeded, passphrase="now with a passphrase") as v:
        with pytest.raises(ValueError):
            v.rotate_key()  # the passphrase is not kept: a new one (or removal) must be given
        v.rotate_key(remove_passphrase=True)
        assert v.key_source == "file"
    with Vault.open(seeded) as v:
        assert v.mappings("conv-b")[0].real == SEED[3][3]


def test_rotation_cut_off_before_commit_keeps_the_old_key(seeded):
    # State after a crash between staging the new key and committing: a stray vault.key.new.
    keysource.write_key_file(seeded / "vault.key.new", os.urandom(32))
    with Vault.open(seeded) as v:
        assert v.mappings("conv-a")[0].real == REAL_A
    assert not (seeded / "vault.key.new").exists()


def test_rotation_cut_off_after_commit_finishes_on_open(seeded):
    # State after a crash between the commit and the rename: the DB wants the staged key.
    old_key = (seeded / "vault.key").read_bytes()
    with Vault.open(seeded) as v:
        v.rotate_key()
    os.replace(seeded / "vault.key", seeded / "vault.key.new")
    (seeded / "vault.key").write_bytes(old_key)
    with Vault.open(seeded) as v:
        assert v.mappings("conv-a")[0].real == REAL_A
    assert not (seeded / "vault.key.new").exists()
    Vault.open(seeded).close()


# --- tampering -----------------------------------------------------------------------------

def _flip_byte(conn, column):
    row_id, blob = conn.execute(f"SELECT id, {column} FROM mappings WHERE scope = 'conv-a' "
                                "ORDER BY id LIMIT 1").fetchone()
    blob = bytearray(blob)
    blob[len(blob) // 2] ^= 0x01
    conn.execute(f"UPDATE mappings SET {column} = ? WHERE id = ?", (bytes(blob), row_id))


def _swap_ciphertexts(conn):
    (a, na, ca), (b, nb, cb) = conn.execute(
        "SELECT id, nonce, ciphertext FROM mappings WHERE scope = 'conv-a' ORDER BY id LIMIT 2")
    conn.execute("UPDATE mappings SET nonce = ?, ciphertext = ? WHERE id = ?", (nb, cb, a))
    conn.execute("UPDATE mappings SET nonce = ?, ciphertext = ? WHERE id = ?", (na, ca, b))


def _swap_standins(conn):
    (a, sa), (b, sb) = conn.execute(
        "SELECT id, standin FROM mappings WHERE scope = 'conv-a' ORDER BY id LIMIT 2")
    conn.execute("UPDATE mappings SET standin = ? WHERE id = ?", (sb, a))
    conn.execute("UPDATE mappings SET standin = ? WHERE id = ?", (sa, b))


def _move_row_from_other_scope(conn):
    conn.execute("UPDATE mappings SET scope = 'conv-a' WHERE id = "
                 "(SELECT id FROM mappings WHERE scope = 'conv-b' ORDER BY id LIMIT 1)")


def _change_category(conn):
    conn.execute("UPDATE mappings SET category = 'ORG' WHERE id = "
                 "(SELECT id FROM mappings WHERE scope = 'conv-a' ORDER BY id LIMIT 1)")


@pytest.mark.parametrize("tamper", [
    lambda c: _flip_byte(c, "ciphertext"),
    lambda c: _flip_byte(c, "nonce"),
    _swap_ciphertexts,
    _swap_standins,
    _move_row_from_other_scope,
    _change_category,
], ids=["ciphertext-byte", "nonce-byte", "swap-ciphertexts", "swap-standins", "move-scope",
        "change-category"])
def test_tampering_gives_a_clear_error_never_garbage(seeded, tamper):
    with raw(seeded) as conn:
        tamper(conn)
    with Vault.open(seeded) as v:
        with pytest.raises(VaultCorrupt, match="failed authentication") as e:
            v.mappings("conv-a")
        assert REAL_A not in str(e.value)
        with pytest.raises(VaultCorrupt):
            v.export()
        with pytest.raises(VaultCorrupt):
            v.rotate_key()
    with Vault.open(seeded) as v:  # the failed rotation rolled back: other scopes still open
        assert v.mappings("conv-c")[0].real == SEED[6][3]


def test_tampered_row_is_not_served_by_find(seeded):
    with raw(seeded) as conn:
        _swap_standins(conn)
    with Vault.open(seeded) as v, pytest.raises(VaultCorrupt):
        v.find("conv-a", SEED[0][2])
