"""open_vault() asks for the passphrase on a real terminal (a pty), and never without one."""
from __future__ import annotations

import os
import re
import select
import subprocess
import time

import pytest

from proxy.vault import Vault, VaultLocked, open_vault
from tests.proxy.test_vault_support import PYTHON, hermetic_vault_env, subprocess_env  # noqa: F401

OPENER = r"""
import sys
from proxy.vault import open_vault
try:
    v = open_vault(sys.argv[1])
except Exception as e:
    print("FAILED", type(e).__name__, flush=True)
else:
    print("OPENED", len(v.mappings("c")), flush=True)
"""


def run_on_pty(tmp_path, data, answers: list[str], timeout: float = 60) -> str:
    master, slave = os.openpty()
    proc = subprocess.Popen([PYTHON, "-c", OPENER, str(data)], stdin=slave, stdout=slave,
                            stderr=slave, env=subprocess_env(tmp_path), start_new_session=True)
    os.close(slave)
    output, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not re.search(rb"(OPENED|FAILED)[^\n]*\n", output):
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            output += chunk
            if b"passphrase:" in chunk and answers:
                os.write(master, answers.pop(0).encode() + b"\n")
        proc.wait(timeout=30)
    finally:
        os.close(master)
    return output.decode("utf-8", "replace")


@pytest.fixture
def locked_vault(tmp_path):
    data = tmp_path / "d"
    with Vault.open(data, passphrase="typed at the prompt") as v:
        v.add("c", "PERSON", "k", "Real Name", "Fake Name")
    return data


def test_prompts_until_the_right_passphrase(tmp_path, locked_vault):
    out = run_on_pty(tmp_path, locked_vault, ["wrong one", "typed at the prompt"])
    assert "wrong passphrase, try again" in out
    assert "OPENED 1" in out
    assert "typed at the prompt" not in out  # not echoed


def test_gives_up_after_three_wrong_answers(tmp_path, locked_vault):
    out = run_on_pty(tmp_path, locked_vault, ["a", "b", "c"])
    assert "FAILED VaultKeyMismatch" in out


def test_without_a_terminal_it_fails_instead_of_hanging(locked_vault):
    with pytest.raises(VaultLocked):
        open_vault(locked_vault, prompt=False)
    proc = subprocess.run([PYTHON, "-c", OPENER, str(locked_vault)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60,
                          env=subprocess_env(locked_vault.parent))
    assert "FAILED VaultLocked" in proc.stdout
