"""Doppel's CA: created once, installed into real NSS databases, dry-run prints the plan."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from proxy.mitm.ca import CA_NAME, ca_cert_path, ensure_ca, nss_databases, plan_install, run_steps

DOPPEL = str(Path(sys.executable).parent / "doppel")


def test_ensure_ca_creates_once(tmp_path):
    pem = ensure_ca(tmp_path)
    assert pem == ca_cert_path(tmp_path) and pem.read_text().startswith("-----BEGIN CERTIFICATE")
    first = pem.read_bytes()
    assert ensure_ca(tmp_path).read_bytes() == first  # not regenerated


def fake_home(tmp_path: Path) -> tuple[Path, list[Path]]:
    home = tmp_path / "home"
    dbs = [home / ".pki" / "nssdb", home / ".mozilla" / "firefox" / "abcd.default-release"]
    for db in dbs:
        db.mkdir(parents=True)
        if shutil.which("certutil"):
            subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True)
        else:
            (db / "cert9.db").write_bytes(b"")
    return home, dbs


def test_nss_databases_found(tmp_path):
    home, dbs = fake_home(tmp_path)
    assert nss_databases(home) == dbs
    assert nss_databases(tmp_path / "empty") == []


def test_install_into_nss_databases(tmp_path):
    """With certutil (apt: libnss3-tools) the CA really lands in both databases; without it
    the plan says how to get certutil instead of failing silently."""
    home, dbs = fake_home(tmp_path)
    pem = ensure_ca(tmp_path / "data")
    steps = [s for s in plan_install(pem, home=home, platform="linux") if "NSS" in s.what]
    assert len(steps) == 2
    if shutil.which("certutil"):
        lines: list[str] = []
        assert run_steps(steps, dry_run=False, echo=lines.append)
        for db in dbs:
            listing = subprocess.run(["certutil", "-L", "-d", f"sql:{db}"], capture_output=True,
                                     text=True, check=True).stdout
            assert CA_NAME in listing
    else:
        assert all(s.argv is None and "libnss3-tools" in s.what for s in steps)


@pytest.mark.parametrize("platform, words", [("darwin", "security add-trusted-cert"),
                                             ("win32", "certutil -addstore")])
def test_macos_and_windows_get_printed_steps(tmp_path, platform, words):
    steps = plan_install(Path("/x/ca.pem"), home=tmp_path, platform=platform)
    assert len(steps) == 1 and steps[0].argv is None and words in steps[0].what


def test_cli_dry_run_changes_nothing(tmp_path):
    home, dbs = fake_home(tmp_path)
    env = {**os.environ, "HOME": str(home)}
    out = subprocess.run([DOPPEL, "ca", "install", "--dry-run", "--data-dir", str(tmp_path / "d")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "CA certificate:" in out.stdout
    if shutil.which("certutil"):
        assert out.stdout.count("would add the CA to the NSS database") == 2
        for db in dbs:
            listing = subprocess.run(["certutil", "-L", "-d", f"sql:{db}"], capture_output=True,
                                     text=True, check=True).stdout
            assert CA_NAME not in listing  # dry run: untouched
    else:
        assert "libnss3-tools" in out.stdout
    assert not (Path("/usr/local/share/ca-certificates") / "doppel-ca.crt").exists()


def test_cli_ca_path(tmp_path):
    out = subprocess.run([DOPPEL, "ca", "path", "--data-dir", str(tmp_path)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0
    assert Path(out.stdout.strip()) == ca_cert_path(tmp_path) and ca_cert_path(tmp_path).is_file()
