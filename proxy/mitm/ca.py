"""Doppel's CA: where it lives, creating it, and installing it where browsers look.

The CA is mitmproxy's own (created in <data dir>/mitmproxy on first use). Installing it means:
  - NSS databases (Chromium's ~/.pki/nssdb, Firefox profiles) via `certutil` when present;
  - the Debian/Ubuntu system store via /usr/local/share/ca-certificates + update-ca-certificates;
  - on macOS and Windows: the commands to run are printed (they need the user's confirmation).
``plan_install`` only computes the steps; ``run_steps`` runs them (``--dry-run`` prints them).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from mitmproxy.certs import CertStore

CA_NAME = "Doppel local privacy proxy CA"
CONF_SUBDIR = "mitmproxy"
SYSTEM_STORE = Path("/usr/local/share/ca-certificates")


def confdir(data_dir: Path) -> Path:
    return Path(data_dir) / CONF_SUBDIR


def ca_cert_path(data_dir: Path) -> Path:
    return confdir(data_dir) / "mitmproxy-ca-cert.pem"


def ensure_ca(data_dir: Path) -> Path:
    """Create the CA now if it does not exist yet (mitmproxy would at first start); its path."""
    conf = confdir(data_dir)
    conf.mkdir(parents=True, exist_ok=True, mode=0o700)
    CertStore.from_store(conf, "mitmproxy", 2048)
    return ca_cert_path(data_dir)


@dataclass
class Step:
    what: str                    # one sentence for humans
    argv: list[str] | None = None  # None: instructions only (printed, never run)
    copy: tuple[Path, Path] | None = None  # a file copy to do before argv


def nss_databases(home: Path) -> list[Path]:
    """NSS databases of Chromium (~/.pki/nssdb) and Firefox profiles found under ``home``."""
    dbs = []
    chromium = home / ".pki" / "nssdb"
    if (chromium / "cert9.db").exists() or chromium.is_dir():
        dbs.append(chromium)
    for root in (home / ".mozilla" / "firefox", home / "snap" / "firefox" / "common" / ".mozilla" / "firefox"):
        if root.is_dir():
            dbs += sorted(p.parent for p in root.glob("*/cert9.db"))
    return dbs


def plan_install(pem: Path, *, home: Path | None = None, platform: str | None = None,
                 system_store: Path = SYSTEM_STORE) -> list[Step]:
    home = home or Path.home()
    platform = platform or sys.platform
    steps: list[Step] = []
    if platform == "darwin":
        return [Step("macOS: trust the CA in the System keychain (asks for your password):\n"
                     f"  sudo security add-trusted-cert -d -r trustRoot "
                     f"-k /Library/Keychains/System.keychain '{pem}'")]
    if platform.startswith("win"):
        return [Step("Windows: import the CA into 'Trusted Root Certification Authorities':\n"
                     f"  certutil -addstore -user Root \"{pem.with_suffix('.cer')}\"\n"
                     "  (or double-click the .cer file and choose that store)")]
    certutil = shutil.which("certutil")
    dbs = nss_databases(home)
    for db in dbs:
        if certutil:
            steps.append(Step(f"add the CA to the NSS database {db}",
                              [certutil, "-d", f"sql:{db}", "-A", "-t", "C,,", "-n", CA_NAME,
                               "-i", str(pem)]))
        else:
            steps.append(Step(f"NSS database {db} found but `certutil` is missing: install it "
                              "(Debian/Ubuntu: apt install libnss3-tools) and run "
                              "`doppel ca install` again"))
    if not dbs:
        steps.append(Step("no Chromium/Firefox NSS database found (start the browser once first)"))
    update = shutil.which("update-ca-certificates")
    if system_store.parent.is_dir() and update:
        target = system_store / "doppel-ca.crt"
        steps.append(Step(f"install the CA into the system store ({target}) and refresh it",
                          [update], copy=(pem, target)))
    else:
        steps.append(Step("no Debian/Ubuntu system store (update-ca-certificates) here: "
                          "import the CA with your distribution's tool"))
    return steps


def run_steps(steps: list[Step], *, dry_run: bool, echo=print) -> bool:
    """Run (or, with dry_run, print) the steps; False if one failed."""
    ok = True
    for step in steps:
        if step.argv is None:
            echo(f"- {step.what}")
            continue
        cmd = " ".join(step.argv)
        if dry_run:
            copy = f"cp {step.copy[0]} {step.copy[1]} && " if step.copy else ""
            echo(f"- would {step.what}: {copy}{cmd}")
            continue
        try:
            if step.copy:
                step.copy[1].parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(*step.copy)
            subprocess.run(step.argv, check=True, capture_output=True, text=True)
            echo(f"- done: {step.what}")
        except (OSError, subprocess.CalledProcessError) as e:
            ok = False
            detail = getattr(e, "stderr", "") or str(e)
            echo(f"- FAILED: {step.what}: {detail.strip()[:200]} (try with sudo?)")
    return ok
