"""Retention: mappings unused for `retention_days` are dropped when the vault opens; use
(find, mappings) counts as use."""
from __future__ import annotations

import time

import pytest

from proxy.vault import Vault
from proxy.vault.durations import parse_duration
from proxy.vault.settings import load_retention_days, save_retention_days
from tests.proxy.test_vault_support import hermetic_vault_env, raw  # noqa: F401

DAY = 86400


def age_scope(data, scope, days):
    with raw(data) as conn:
        conn.execute("UPDATE mappings SET last_used = ?, created = ? WHERE scope = ?",
                     (time.time() - days * DAY, time.time() - days * DAY, scope))


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "d"
    with Vault.open(folder) as v:
        for scope in ("fresh", "old", "used"):
            v.add(scope, "PERSON", "k", f"Real {scope}", f"Fake {scope}")
    for scope, days in (("old", 45), ("used", 45)):
        age_scope(folder, scope, days)
    return folder


def test_default_keeps_everything(data):
    with Vault.open(data) as v:
        assert v.stats()["mappings"] == 3


@pytest.mark.parametrize("days, left", [(30, {"fresh", "used"}), (60, {"fresh", "old", "used"})])
def test_retention_option_drops_unused(data, days, left):
    with Vault.open(data) as v:   # using a conversation refreshes its last_used
        assert v.find("used", "k") == "Fake used"
    with Vault.open(data, retention_days=days) as v:
        assert set(v.stats()["per_scope"]) == left


def test_restoring_a_conversation_counts_as_use(data):
    with Vault.open(data) as v:
        assert v.mappings("used")[0].real == "Real used"
    with Vault.open(data, retention_days=30) as v:
        assert set(v.stats()["per_scope"]) == {"fresh", "used"}


def test_settings_file_and_option_override(data):
    save_retention_days(data, 30)
    assert load_retention_days(data) == 30
    with Vault.open(data, retention_days=0) as v:   # 0: keep, whatever the file says
        assert v.stats()["mappings"] == 3
    with Vault.open(data) as v:
        assert set(v.stats()["per_scope"]) == {"fresh"}


@pytest.mark.parametrize("content", ["retention_days = -1\n", "retention_days = 'x'\n",
                                     "retention_days = true\n"])
def test_bad_settings_are_refused(data, content):
    (data / "vault.toml").write_text(content)
    with pytest.raises(ValueError, match="retention_days"):
        Vault.open(data)


@pytest.mark.parametrize("text, seconds", [("30d", 30 * DAY), ("12h", 12 * 3600), ("2w", 14 * DAY),
                                           ("90m", 5400), ("45s", 45), ("7", 7 * DAY), ("1.5d", 1.5 * DAY)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "d", "-3d", "0d", "3 days", "3y", "soon"])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError):
        parse_duration(text)
