"""The user's terms in the vault: encrypted at rest, one list per term, bound rows, kept across
key rotation, and seen by an open vault (the running Doppel) when `doppel terms` changes them
from another process."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import proxy.cli.terms  # noqa: F401  (registers `doppel terms`)
from detector.categories import Category
from detector.terms import Term
from proxy.cli.app import app
from proxy.vault import Vault, VaultCorrupt
from tests.proxy.test_vault_support import (all_bytes, encodings, hermetic_vault_env,  # noqa: F401
                                            raw, subprocess_env)

runner = CliRunner()
DOPPEL = Path(__import__("sys").executable).parent / "doppel"
# Distinctive private terms: the at-rest scan looks for them byte by byte.
CLIENT = "Vexlander Holdings"
KID = "Zorbette"


def doppel(*args):
    return runner.invoke(app, list(args))


def test_terms_are_encrypted_at_rest_and_listed_back(tmp_path):
    with Vault.open(tmp_path / "d") as v:
        v.terms.add(CLIENT, category="org")
        v.terms.add(f"  {KID}  ", kind="always")
        v.terms.add("Taylor Swift", kind="never")
        assert v.terms.always() == (Term(CLIENT, Category.ORG), Term(KID, Category.CUSTOM))
        assert v.terms.never() == ("Taylor Swift",)
        assert v.terms.count() == {"always": 2, "never": 1}
    files = all_bytes(tmp_path / "d")
    for term in (CLIENT, KID, "Taylor Swift"):
        for form in encodings(term):
            assert not any(form in data for data in files.values()), f"{term!r} in clear"


def test_a_term_lives_on_one_list_and_any_spelling_finds_it(tmp_path):
    with Vault.open(tmp_path / "d") as v:
        v.terms.add(KID)
        v.terms.add(KID.upper(), kind="never")
        assert v.terms.always() == () and v.terms.never() == (KID.upper(),)
        assert v.terms.kind_of(f" {KID.lower()} ") == "never"
        assert v.terms.remove(KID.lower()) is True
        assert v.terms.remove(KID) is False
        assert v.terms.list() == []


@pytest.mark.parametrize("term, kwargs, message", [
    ("   ", {}, "empty"), ("x" * 201, {}, "at most 200"),
    (KID, {"kind": "never", "category": "PERSON"}, "no category"),
    (KID, {"category": "NOT_ONE"}, "unknown category"), (KID, {"kind": "maybe"}, "kind"),
])
def test_bad_terms_are_refused_without_echoing_them(tmp_path, term, kwargs, message):
    with Vault.open(tmp_path / "d") as v:
        with pytest.raises(ValueError, match=message) as e:
            v.terms.add(term, **kwargs)
        assert KID not in str(e.value)
        assert v.terms.list() == []


def test_a_swapped_row_is_an_error_and_rotation_keeps_terms(tmp_path):
    with Vault.open(tmp_path / "d") as v:
        v.terms.add(CLIENT, category="ORG")
        v.terms.add(KID, kind="never")
        assert v.rotate_key() == 0
        assert [t.term for t in v.terms.list()] == [CLIENT, KID]
    with raw(tmp_path / "d") as conn:  # turn the never-term into an always-term
        conn.execute("UPDATE terms SET kind = 'always', category = 'CUSTOM' WHERE kind = 'never'")
    with Vault.open(tmp_path / "d") as v:
        with pytest.raises(VaultCorrupt):
            v.terms.list()


def test_an_open_vault_sees_changes_made_by_another_process(tmp_path):
    """The running Doppel holds the vault open; `doppel terms` (the real console script, its own
    process) changes the lists; the next read sees it, and re-reads only after a change."""
    folder = tmp_path / "d"
    env = subprocess_env(tmp_path)
    with Vault.open(folder) as running:
        assert running.terms.always() == ()

        def cli(*args):
            done = subprocess.run([str(DOPPEL), "terms", *args, "--data-dir", str(folder)],
                                  env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            return done.stdout

        assert "always protect (org)" in cli("add", CLIENT, "--category", "org")
        assert running.terms.always() == (Term(CLIENT, Category.ORG),)
        cli("add", "--never", CLIENT)
        assert running.terms.always() == () and running.terms.never() == (CLIENT,)
        listed = json.loads(cli("list", "--json"))
        assert listed == {"always": [], "never": [{"term": CLIENT}]}
        running.add("conv", "PERSON", "k", "Real Person", "Fake Person")  # not a terms change
        assert running.terms.never() == (CLIENT,)
        cli("remove", CLIENT)
        assert running.terms.never() == ()


def test_cli_add_list_remove_and_errors(tmp_path):
    folder = str(tmp_path / "d")
    assert "no terms yet" in doppel("terms", "list", "--data-dir", folder).output
    assert doppel("terms", "add", KID, "--data-dir", folder).exit_code == 0
    result = doppel("terms", "add", CLIENT, "--category", "Org", "--data-dir", folder)
    assert result.exit_code == 0 and CLIENT not in result.output
    assert doppel("terms", "add", "Taylor Swift", "--never", "--data-dir", folder).exit_code == 0
    listed = doppel("terms", "list", "--data-dir", folder).output
    assert f"{KID}  [custom]" in listed and f"{CLIENT}  [org]" in listed
    assert "never protect (1):\n  Taylor Swift" in listed
    bad = doppel("terms", "add", KID, "--category", "planet", "--data-dir", folder)
    assert bad.exit_code == 2 and "unknown category" in bad.output and KID not in bad.output
    assert doppel("terms", "add", KID, "--never", "--category", "org", "--data-dir",
                  folder).exit_code == 2
    assert doppel("terms", "remove", "taylor swift", "--data-dir", folder).exit_code == 0
    missing = doppel("terms", "remove", "Taylor Swift", "--data-dir", folder)
    assert missing.exit_code == 1 and "neither list" in missing.output
    assert doppel("terms", "remove", KID, "--data-dir", str(tmp_path / "none")).exit_code == 1
    assert not (tmp_path / "none").exists()
