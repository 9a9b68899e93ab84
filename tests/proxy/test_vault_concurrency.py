"""Many threads and several processes writing one vault: nothing lost, nothing crossed, and
every writer of a key gets the first writer's stand-in."""
from __future__ import annotations

import json
import subprocess
import threading
from collections import defaultdict

from proxy.vault import Vault
from tests.proxy.test_vault_support import PYTHON, hermetic_vault_env, subprocess_env  # noqa: F401

SCOPES = [f"conv-{s}" for s in range(12)]
KEYS = [f"key-{k}" for k in range(25)]


def real_of(scope: str, key: str) -> str:
    return f"real {scope} {key}"


def write_all(vault: Vault, writer: str, results: dict) -> None:
    """Add every (scope, key) with this writer's own stand-in, in a writer-specific order."""
    order = [(s, k) for s in SCOPES for k in KEYS]
    offset = sum(map(ord, writer)) % len(order)
    for scope, key in order[offset:] + order[:offset]:
        results[(scope, key)] = vault.add(scope, "PERSON", key, real_of(scope, key),
                                          f"standin {scope} {key} by {writer}")


def check(data_dir, results_by_writer: dict[str, dict]) -> None:
    with Vault.open(data_dir) as v:
        assert v.stats()["mappings"] == len(SCOPES) * len(KEYS)   # no duplicates, none lost
        for scope in SCOPES:
            mappings = v.mappings(scope)
            assert len(mappings) == len(KEYS)
            winners = {m.real: m.standin for m in mappings}
            for key in KEYS:
                standin = winners[real_of(scope, key)]                # not crossed between scopes
                assert standin.startswith(f"standin {scope} {key} by ")
                assert v.find(scope, key) == standin
                # first writer wins: every writer was told the stand-in that is stored
                assert {r[(scope, key)] for r in results_by_writer.values()} == {standin}


def test_many_threads_one_vault(tmp_path):
    data = tmp_path / "d"
    results = defaultdict(dict)
    with Vault.open(data) as v:
        threads = [threading.Thread(target=write_all, args=(v, f"t{i}", results[f"t{i}"]))
                   for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    check(data, results)
    # several writers really won: the race was real, not serialised by start order
    with Vault.open(data) as v:
        winners = {m.standin.rsplit(" by ", 1)[1] for s in SCOPES for m in v.mappings(s)}
    assert len(winners) > 1


PROCESS_WRITER = r"""
import json, sys, threading
from proxy.vault import Vault
sys.path.insert(0, sys.argv[3])
from tests.proxy.test_vault_concurrency import write_all
name = sys.argv[2]
results = {}
threads = []
with Vault.open(sys.argv[1]) as vault:  # one vault per process, shared by its threads
    parts = [{} for _ in range(3)]
    for i, part in enumerate(parts):
        threads.append(threading.Thread(target=write_all, args=(vault, f"{name}t{i}", part)))
    for t in threads: t.start()
    for t in threads: t.join()
for i, part in enumerate(parts):
    results[f"{name}t{i}"] = {f"{s}|{k}": v for (s, k), v in part.items()}
print(json.dumps(results))
"""


def test_several_processes_with_threads(tmp_path):
    from tests.proxy.test_vault_support import ROOT
    data = tmp_path / "d"
    Vault.open(data).close()
    procs = [subprocess.Popen([PYTHON, "-c", PROCESS_WRITER, str(data), f"p{i}", str(ROOT)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=subprocess_env(tmp_path)) for i in range(4)]
    results = {}
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-2000:]
        for writer, part in json.loads(out).items():
            results[writer] = {tuple(k.split("|")): v for k, v in part.items()}
    assert len(results) == 12
    check(data, results)


def test_processes_creating_one_new_vault_agree_on_its_key(tmp_path):
    data = tmp_path / "fresh"
    script = ("import sys; from proxy.vault import Vault\n"
              "v = Vault.open(sys.argv[1]); v.add('c', 'PERSON', sys.argv[2], 'Real '+sys.argv[2], 'Fake')\n"
              "v.close()")
    procs = [subprocess.Popen([PYTHON, "-c", script, str(data), f"k{i}"], stderr=subprocess.PIPE,
                              text=True, env=subprocess_env(tmp_path)) for i in range(4)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
    with Vault.open(data) as v:
        assert sorted(m.real for m in v.mappings("c")) == [f"Real k{i}" for i in range(4)]
