"""Real values never rest in clear: every byte of the data dir, the logs and the CLI output."""
from __future__ import annotations

import logging
import stat

import pytest
from typer.testing import CliRunner

import proxy.cli.vault  # noqa: F401  (registers `doppel vault`)
from proxy.cli.app import app
from proxy.vault import Vault, VaultCorrupt, VaultKeyMismatch
from tests.proxy.test_vault_support import (SEED, all_bytes, encodings, hermetic_vault_env,  # noqa: F401
                                            raw, seed)

REALS = sorted({real for *_, real, _ in SEED} | {key for *_, key, _, _ in SEED})
STANDINS = sorted({standin for *_, standin in SEED})


def leaks(data_dir) -> list[str]:
    """'file: category' for every real value (or lookup key) found in clear in a file."""
    found = []
    for name, blob in all_bytes(data_dir).items():
        for value in REALS:
            if any(form in blob for form in encodings(value)):
                found.append(f"{name}: value #{REALS.index(value)}")
    return found


def exercise(vault) -> None:
    """Everything that writes: add, look-ups (last_used), rebind, rotation, forgetting."""
    seed(vault)
    for scope, _, key, _, _ in SEED:
        vault.find(scope, key)
        vault.mappings(scope)
    vault.rebind_scope("conv-c", "chatgpt:0b7e")
    vault.rotate_key()
    vault.add("conv-d", "PERSON", "person:zelphine", "Zelphine Quartermaine", "Nora Hale")
    vault.forget(conversation="conv-d")


def test_scanner_finds_values_written_in_clear(tmp_path):
    # Control: the scan does see text that SQLite stores (the stand-ins are in clear).
    with Vault.open(tmp_path / "d") as v:
        seed(v)
        blobs = b"".join(all_bytes(tmp_path / "d").values())
        assert all(standin.encode() in blobs for standin in STANDINS)
    (tmp_path / "d" / "note.txt").write_text(SEED[0][3])
    assert leaks(tmp_path / "d") == ["note.txt: value #%d" % REALS.index(SEED[0][3])]


def test_no_real_value_in_any_file_while_open_and_after_close(tmp_path):
    data = tmp_path / "d"
    v = Vault.open(data)
    exercise(v)
    files = all_bytes(data)
    assert {"vault.db", "vault.db-wal", "vault.db-shm", "vault.key"} <= set(files)
    assert leaks(data) == []
    v.close()
    assert leaks(data) == []
    with Vault.open(data) as v:  # still all there, decrypting fine
        assert [m.real for m in v.mappings("chatgpt:0b7e")] == [r for s, _, _, r, _ in SEED if s == "conv-c"]
    assert leaks(data) == []


def test_no_real_value_in_passphrase_vault_files(tmp_path):
    with Vault.open(tmp_path / "d", passphrase="correct horse battery staple") as v:
        seed(v)
        v.rotate_key(new_passphrase="another passphrase entirely")
        assert leaks(tmp_path / "d") == []
    assert not (tmp_path / "d" / "vault.key").exists()  # the key lives only wrapped, in the DB


def test_files_are_private(tmp_path):
    data = tmp_path / "d"
    with Vault.open(data) as v:
        seed(v)
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        for name in ("vault.db", "vault.db-wal", "vault.db-shm", "vault.key"):
            assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name


def test_logs_and_output_never_hold_real_values(tmp_path, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    data = tmp_path / "d"
    messages = []
    with Vault.open(data, retention_days=30) as v:
        exercise(v)
        messages.append(repr(v))
    with raw(data) as conn:  # tamper, so the error path runs too
        conn.execute("UPDATE mappings SET ciphertext = zeroblob(length(ciphertext)) "
                     "WHERE category = 'PERSON'")
    with Vault.open(data) as v, pytest.raises(VaultCorrupt) as corrupt:
        v.mappings("conv-a")
    messages.append(str(corrupt.value))
    (data / "vault.key").write_text("doppel-vault-key-v1 " + "A" * 43 + "=\n")
    with pytest.raises(VaultKeyMismatch) as mismatch:
        Vault.open(data)
    messages.append(str(mismatch.value))
    runner = CliRunner()
    for args in (["vault", "stats"], ["vault", "stats", "--json"]):
        result = runner.invoke(app, [*args, "--data-dir", str(data)])
        assert result.exit_code == 0, result.output
        messages.append(result.output)
    captured = capsys.readouterr()
    text = "\n".join([*messages, caplog.text, captured.out, captured.err])
    assert "rotated the vault key" in caplog.text  # logging did run
    for value in REALS:
        assert value not in text and value.casefold() not in text.casefold(), REALS.index(value)


def test_data_dir_helpers(tmp_path):
    from proxy.datadir import default_data_dir, ensure_data_dir
    assert default_data_dir().name == "doppel"
    nested = ensure_data_dir(tmp_path / "a" / "b")
    assert nested.is_dir() and stat.S_IMODE(nested.stat().st_mode) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    assert stat.S_IMODE(ensure_data_dir(loose).stat().st_mode) == 0o700  # tightened
