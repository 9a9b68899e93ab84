"""Crash safety: a writer killed with SIGKILL leaves only whole, decryptable mappings."""
from __future__ import annotations

import signal
import subprocess
import time

import pytest

from proxy.vault import Vault
from tests.proxy.test_vault_support import PYTHON, hermetic_vault_env, subprocess_env  # noqa: F401

WRITER = r"""
import sys
from proxy.vault import Vault
vault = Vault.open(sys.argv[1])
for i in range(int(sys.argv[2])):
    scope = f"conv-{i % 7}"
    stored = vault.add(scope, "PERSON", f"key-{i}", f"Real Person {i:05d}", f"Fake Person {i:05d}")
    assert stored == f"Fake Person {i:05d}"
    print(i, flush=True)  # only after add() returned: this mapping is committed
"""

ROTATOR = r"""
import sys
from proxy.vault import Vault
vault = Vault.open(sys.argv[1])
print("rotating", flush=True)
while True:
    vault.rotate_key()
"""


def expected(i: int) -> tuple[str, str, str]:
    return f"conv-{i % 7}", f"Real Person {i:05d}", f"Fake Person {i:05d}"


def kill_after_lines(proc: subprocess.Popen, lines: int) -> list[str]:
    seen = []
    for line in proc.stdout:
        seen.append(line.strip())
        if len(seen) >= lines:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return seen


def check_every_row(data_dir) -> dict[str, list]:
    """Every row in the vault decrypts and is one of the writer's own, whole mappings."""
    with Vault.open(data_dir) as v:
        by_scope = {f"conv-{s}": v.mappings(f"conv-{s}") for s in range(7)}
        assert v.stats()["mappings"] == sum(len(m) for m in by_scope.values())
    for scope, mappings in by_scope.items():
        for m in mappings:
            i = int(m.real.rsplit(" ", 1)[1])
            assert (scope, m.real, m.standin) == expected(i)
    return by_scope


@pytest.mark.parametrize("kill_after", [1, 700, 2500])
def test_sigkill_mid_write_loses_nothing_committed(tmp_path, kill_after):
    data = tmp_path / "d"
    proc = subprocess.Popen([PYTHON, "-c", WRITER, str(data), "50000"], stdout=subprocess.PIPE,
                            text=True, env=subprocess_env(tmp_path))
    committed = [int(x) for x in kill_after_lines(proc, kill_after)]
    assert proc.returncode == -signal.SIGKILL
    assert len(committed) == kill_after
    by_scope = check_every_row(data)
    stored = {int(m.real.rsplit(" ", 1)[1]) for ms in by_scope.values() for m in ms}
    assert set(committed) <= stored          # every mapping reported committed survived
    assert len(stored) < 50000               # and the writer really was cut off mid-way
    assert stored == set(range(len(stored)))  # a prefix: no gaps, no half-written rows
    with Vault.open(data) as v:
        for i in committed:
            scope, _, standin = expected(i)
            assert v.find(scope, f"key-{i}") == standin
        # the vault keeps working after the crash
        assert v.add("conv-0", "PERSON", "after", "After Crash", "Post Crash") == "Post Crash"


@pytest.mark.parametrize("delay_s", [0.05, 0.3, 0.8])
def test_sigkill_mid_rotation_keeps_a_working_key(tmp_path, delay_s):
    data = tmp_path / "d"
    with Vault.open(data) as v:
        for i in range(1500):
            scope, real, standin = expected(i)
            v.add(scope, "PERSON", f"key-{i}", real, standin)
    proc = subprocess.Popen([PYTHON, "-c", ROTATOR, str(data)], stdout=subprocess.PIPE,
                            text=True, env=subprocess_env(tmp_path))
    assert proc.stdout.readline().strip() == "rotating"
    time.sleep(delay_s)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL  # killed while rotating, not after
    by_scope = check_every_row(data)
    assert sum(len(m) for m in by_scope.values()) == 1500
    assert not (data / "vault.key.new").exists()
