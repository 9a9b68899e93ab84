"""Shared helpers for the vault tests (no tests here: pytest collects nothing from it)."""
from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# Distinctive real values, each unlikely to occur by chance in any file: the at-rest scans
# look for them byte by byte.
SEED = [
    ("conv-a", "PERSON", "person:qzorvath", "Qzorvath Brimbleton", "Elena Ruiz"),
    ("conv-a", "EMAIL", "qzorvath.brimbleton@fastmail.example", "qzorvath.brimbleton@fastmail.example",
     "elena.ruiz@mailbox.test"),
    ("conv-a", "PHONE", "+44 20 7946 0958", "+44 20 7946 0958", "+44 20 7946 1234"),
    ("conv-b", "BANK_ACCOUNT", "DE89370400440532013000", "DE89370400440532013000",
     "DE44500105175407324931"),
    ("conv-b", "ADDRESS", "14 Wrexlingham Crescent", "14 Wrexlingham Crescent", "9 Harbour Lane"),
    ("conv-b", "PERSON", "person:jörg", "Jörg Ümlautßtraße", "Lukas Becker"),
    ("conv-c", "HEALTH", "type 2 diabetes mellitus zq", "type 2 diabetes mellitus zq", "asthma"),
    ("conv-c", "SECRET", "sk-live-9QxZt7WmPaR2vLk4", "sk-live-9QxZt7WmPaR2vLk4", "sk-live-h3Jd8KsQe1Vb6Nz0"),
]


@pytest.fixture(autouse=True)
def hermetic_vault_env(monkeypatch, tmp_path):
    """No OS keyring, no passphrase from the environment, a private runtime dir."""
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    monkeypatch.delenv("DOPPEL_PASSPHRASE", raising=False)
    monkeypatch.setenv("DOPPEL_RUNTIME_DIR", str(tmp_path / "runtime"))


def seed(vault, rows=SEED) -> None:
    for scope, category, key, real, standin in rows:
        assert vault.add(scope, category, key, real, standin) == standin


def raw(data_dir: Path) -> sqlite3.Connection:
    """A plain SQLite connection to the vault file, for tampering with it."""
    return sqlite3.connect(Path(data_dir) / "vault.db", isolation_level=None)


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DOPPEL_NO_KEYRING="1", DOPPEL_RUNTIME_DIR=str(tmp_path / "runtime"),
               PYTHONPATH=str(ROOT))
    env.pop("DOPPEL_PASSPHRASE", None)
    return env


def all_bytes(data_dir: Path) -> dict[str, bytes]:
    """Every file under the data dir (vault.db, -wal, -shm, key file, settings...)."""
    return {str(p.relative_to(data_dir)): p.read_bytes()
            for p in Path(data_dir).rglob("*") if p.is_file()}


def encodings(value: str) -> list[bytes]:
    """The byte forms a value could take in a file (SQLite stores text as UTF-8 or UTF-16)."""
    forms = {value, value.casefold(), value.lower(), value.upper()}
    return [f.encode(enc) for f in forms for enc in ("utf-8", "utf-16-le", "utf-16-be")]
