"""`doppel vault ...` through typer's CliRunner and through the real console script."""
from __future__ import annotations

import json
import stat
import subprocess
import time

import pytest
from typer.testing import CliRunner

import proxy.cli.vault  # noqa: F401  (registers `doppel vault`)
from proxy.cli.app import app
from proxy.vault import Vault
from tests.proxy.test_vault_support import (ROOT, SEED, hermetic_vault_env, raw, seed,  # noqa: F401
                                            subprocess_env)

runner = CliRunner()
REALS = [real for *_, real, _ in SEED]


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "d"
    with Vault.open(folder) as v:
        seed(v)
    return folder


def doppel(*args, input=None, env=None):
    return runner.invoke(app, list(args), input=input, env=env)


def counts(folder) -> dict[str, int]:
    with Vault.open(folder) as v:
        return v.stats()["per_scope"]


def test_stats_json_counts_without_values(data):
    result = doppel("vault", "stats", "--json", "--data-dir", str(data))
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["mappings"] == len(SEED)
    assert stats["per_scope"] == {"conv-a": 3, "conv-b": 3, "conv-c": 2}
    assert stats["per_category"]["PERSON"] == 2
    assert stats["key_source"] == "file"
    assert stats["bytes_on_disk"]["total"] > 0
    assert not any(real in result.output for real in REALS)


def test_stats_works_on_a_locked_vault_and_an_absent_one(tmp_path):
    with Vault.open(tmp_path / "d", passphrase="pw") as v:
        seed(v)
    result = doppel("vault", "stats", "--data-dir", str(tmp_path / "d"))
    assert result.exit_code == 0 and "8 mappings in 3 conversations" in result.output
    result = doppel("vault", "stats", "--json", "--data-dir", str(tmp_path / "none"))
    assert result.exit_code == 0 and json.loads(result.output)["exists"] is False
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize("args, left", [
    (["--conversation", "conv-a"], {"conv-b": 3, "conv-c": 2}),
    (["--conversation", "conv"], {"conv-a": 3, "conv-b": 3, "conv-c": 2}),  # no prefix match
    (["--all"], {}),
])
def test_forget(data, args, left):
    result = doppel("vault", "forget", *args, "--yes", "--data-dir", str(data))
    assert result.exit_code == 0, result.output
    assert counts(data) == left


def test_forget_by_conversation_id_inside_a_scope(tmp_path):
    with Vault.open(tmp_path / "d") as v:
        v.add("chatgpt:6a1f-22", "PERSON", "k", "Real", "Fake")
        v.add("chatgpt:6a1f-23", "PERSON", "k", "Real", "Fake")
    assert doppel("vault", "forget", "--conversation", "6a1f-22", "--yes",
                  "--data-dir", str(tmp_path / "d")).exit_code == 0
    assert counts(tmp_path / "d") == {"chatgpt:6a1f-23": 1}


def test_forget_older_than_uses_last_use(data):
    old = time.time() - 40 * 86400
    with raw(data) as conn:
        conn.execute("UPDATE mappings SET last_used = ? WHERE scope = 'conv-b'", (old,))
    result = doppel("vault", "forget", "--older-than", "30d", "--yes", "--data-dir", str(data))
    assert result.exit_code == 0 and "forgot 3 mappings" in result.output
    assert counts(data) == {"conv-a": 3, "conv-c": 2}


def test_forget_asks_first(data):
    result = doppel("vault", "forget", "--all", "--data-dir", str(data), input="n\n")
    assert result.exit_code != 0
    assert sum(counts(data).values()) == len(SEED)
    result = doppel("vault", "forget", "--all", "--data-dir", str(data), input="y\n")
    assert result.exit_code == 0 and counts(data) == {}


@pytest.mark.parametrize("args", [[], ["--all", "--conversation", "x"], ["--older-than", "soon"],
                                  ["--older-than", "-3d"]])
def test_forget_rejects_bad_arguments(data, args):
    result = doppel("vault", "forget", *args, "--yes", "--data-dir", str(data))
    assert result.exit_code == 2
    assert sum(counts(data).values()) == len(SEED)


def test_export_writes_a_private_decrypted_file(data, tmp_path):
    out = tmp_path / "export.json"
    result = doppel("vault", "export", "--out", str(out), "--data-dir", str(data), input="y\n")
    assert result.exit_code == 0, result.output
    assert "clear text" in result.output  # the warning
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = json.loads(out.read_text())["mappings"]
    assert sorted((r["scope"], r["category"], r["key"], r["real"], r["standin"]) for r in rows) == sorted(SEED)


@pytest.mark.parametrize("where", ["inside-data-dir", "existing-file", "declined"])
def test_export_refuses(data, tmp_path, where):
    out = {"inside-data-dir": data / "dump.json", "existing-file": tmp_path / "exists.json",
           "declined": tmp_path / "new.json"}[where]
    if where == "existing-file":
        out.write_text("keep me")
    result = doppel("vault", "export", "--out", str(out), "--data-dir", str(data), input="n\n")
    assert result.exit_code != 0
    assert not out.exists() or out.read_text() == "keep me"


def test_rotate_key_keeps_values(data):
    key_before = (data / "vault.key").read_bytes()
    result = doppel("vault", "rotate-key", "--data-dir", str(data))
    assert result.exit_code == 0 and f"re-encrypted {len(SEED)} mappings" in result.output
    assert (data / "vault.key").read_bytes() != key_before
    with Vault.open(data) as v:
        assert sorted((r["real"], r["standin"]) for r in v.export()) == sorted((s[3], s[4]) for s in SEED)


def test_passphrase_unlock_and_lock(data):
    result = doppel("vault", "rotate-key", "--set-passphrase", "--data-dir", str(data),
                    input="long passphrase\nlong passphrase\n")
    assert result.exit_code == 0, result.output
    assert not (data / "vault.key").exists()
    wrong = doppel("vault", "unlock", "--data-dir", str(data), input="nope\n")
    assert wrong.exit_code == 1 and "wrong passphrase" in wrong.output
    ok = doppel("vault", "unlock", "--for", "1h", "--data-dir", str(data), input="long passphrase\n")
    assert ok.exit_code == 0, ok.output
    with Vault.open(data) as v:  # what a `doppel start` without a terminal now does
        assert len(v.export()) == len(SEED)
    assert doppel("vault", "lock", "--data-dir", str(data)).exit_code == 0
    result = doppel("vault", "export", "--out", str(data.parent / "x.json"), "--yes",
                    "--data-dir", str(data))
    assert result.exit_code == 1 and "passphrase-protected" in result.output
    result = doppel("vault", "export", "--out", str(data.parent / "x.json"), "--yes",
                    "--data-dir", str(data), env={"DOPPEL_PASSPHRASE": "long passphrase"})
    assert result.exit_code == 0, result.output


def test_retention_setting_is_applied_on_open(data):
    assert "keep forever" in doppel("vault", "retention", "--data-dir", str(data)).output
    assert doppel("vault", "retention", "30d", "--data-dir", str(data)).exit_code == 0
    assert "30 days" in doppel("vault", "retention", "--data-dir", str(data)).output
    with raw(data) as conn:
        conn.execute("UPDATE mappings SET last_used = ? WHERE scope = 'conv-c'",
                     (time.time() - 31 * 86400,))
    with Vault.open(data) as v:
        assert v.retention_days == 30
        assert v.mappings("conv-c") == [] and len(v.mappings("conv-a")) == 3
    assert doppel("vault", "retention", "keep", "--data-dir", str(data)).exit_code == 0
    with Vault.open(data) as v:
        assert v.retention_days is None


def test_console_script_end_to_end(data, tmp_path):
    doppel_bin = ROOT / ".venv" / "bin" / "doppel"
    run = lambda *a: subprocess.run([str(doppel_bin), "vault", *a, "--data-dir", str(data)],
                                    capture_output=True, text=True, env=subprocess_env(tmp_path),
                                    timeout=120)
    stats = run("stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["mappings"] == len(SEED)
    forgot = run("forget", "--conversation", "conv-c", "--yes")
    assert forgot.returncode == 0 and "forgot 2 mappings" in forgot.stdout
    assert json.loads(run("stats", "--json").stdout)["per_scope"] == {"conv-a": 3, "conv-b": 3}
    assert not any(real in stats.stdout + stats.stderr + forgot.stdout for real in REALS)
