"""No secrets at rest: what a running `doppel start` keeps on disk holds real values only as
vault ciphertext, and mitmproxy never dumps flows. (The session-wide check in conftest.py scans
every file and log at the end; these tests look at the pieces directly, and check that the
scanner itself finds what it must.)"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from mitmproxy.addons import save, savehar
from mitmproxy.test import taddons

from proxy.mitm.hosts import HostPolicy
from proxy.start import StartOptions, mitm_options
from tests.hardening.harness import LeakWatch
from tests.hardening.seeds import SEED_PROMPT, SEEDS, seeds_in

pytestmark = pytest.mark.xdist_group("doppel-session")

FLOW_DUMP_SUFFIXES = (".mitm", ".flows", ".har", ".dump")


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_vault_holds_the_seeded_values_only_as_ciphertext(doppel_session):
    vault_files = [p for p in files(doppel_session.data_dir) if p.name.startswith("vault.db")]
    assert vault_files
    with sqlite3.connect(f"file:{doppel_session.data_dir / 'vault.db'}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT count(*), count(DISTINCT scope) FROM mappings").fetchone()
    assert rows[0] >= len(SEEDS) and rows[1] >= 1  # the seeded requests were stored...
    for path in vault_files:
        assert not seeds_in(path.read_bytes()), f"{path.name} holds a real value in clear"


def test_no_file_under_the_data_dir_home_or_working_dir_holds_a_seed(doppel_session):
    checked = files(doppel_session.root)
    assert len(checked) >= 5  # vault, key, token, CA files at least
    for path in checked:
        assert not seeds_in(path.read_bytes()), f"{path} holds a real value"


def test_mitmproxy_dumps_no_flows(doppel_session):
    dumps = [p for p in files(doppel_session.root) if p.suffix in FLOW_DUMP_SUFFIXES]
    assert dumps == []
    # and `doppel start` sets no mitmproxy option that would write flows; their defaults are off
    values = mitm_options(StartOptions(), HostPolicy())
    assert not {"save_stream_file", "hardump"} & set(values)
    with taddons.context(save.Save(), savehar.SaveHar()) as tctx:
        tctx.configure(tctx.master.addons.get("save"), **{k: v for k, v in values.items()
                                                         if k in tctx.options})
        assert not tctx.options.save_stream_file and not tctx.options.hardump


def test_the_log_of_doppel_start_names_counts_not_values(doppel_session):
    """The session's doppel start runs with --verbose: every protected request is logged."""
    out = doppel_session.proc.output()
    assert "replaced" in out and "EMAIL" in out  # it did log the protections...
    assert not seeds_in(out)  # ...without a value


def test_the_scanner_finds_a_planted_value(tmp_path):
    """The session check is only as good as its scanner: plant seeds and see them found."""
    watch = LeakWatch()
    (tmp_path / "notes.txt").write_text("card 4111-1111-1111-1111 ok")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "blob.bin").write_bytes(b"\x00\x01INGRID LINDQVIST\xff")
    (tmp_path / "clean.txt").write_text("nothing private here " + "x" * 100)
    watch.directory(tmp_path)
    watch.text("a log", "user is ingrid.lindqvist@fastmail.com")
    watch.text("a clean log", "doppel: openai-chat: 2 texts, 9 replaced {'EMAIL': 1}")
    found = "\n".join(watch.findings())
    assert "notes.txt: ['card']" in found
    assert "blob.bin: ['person']" in found
    assert "a log: ['email', 'person']" in found
    assert "clean" not in found
    assert SEED_PROMPT not in found  # findings name labels, never values
