"""Vault cost with a realistically full vault: look-up (find), insert (add), mappings(scope).

`doppel bench --vault` calls run(); `python -m bench.vault_bench` prints its result as JSON.
Target (issue 4): <= 0.5 ms per look-up with 100k mappings in the vault.
"""
from __future__ import annotations

import json
import os
import random
import tempfile
import time
from pathlib import Path

from bench.metrics import median, percentile

TARGET_FIND_MS = 0.5


def _summary(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {"median_ms": round(median(ms), 4), "p95_ms": round(percentile(ms, 95), 4),
            "n": len(ms)}


def _timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def run(mappings: int = 100_000, scopes: int = 2_000, samples: int = 2_000,
        data_dir: Path | None = None, seed: int = 7) -> dict:
    """Fill a fresh vault with `mappings` rows over `scopes` conversations through add(), then
    time `samples` calls of each operation. Uses a temporary data dir unless one is given."""
    from proxy.vault import Vault  # imported here so `doppel bench` loads it only when asked
    rng = random.Random(seed)
    old_env = os.environ.get("DOPPEL_NO_KEYRING")
    os.environ["DOPPEL_NO_KEYRING"] = "1"  # never touch the user's real keyring from a bench
    with tempfile.TemporaryDirectory(prefix="doppel-vault-bench-") as tmp:
        folder = Path(data_dir) if data_dir else Path(tmp) / "vault"
        try:
            t0 = time.perf_counter()
            vault = Vault.open(folder)
            open_new_s = time.perf_counter() - t0
            fill = []
            for i in range(mappings):
                scope = f"conv-{i % scopes}"
                fill.append(_timed(vault.add, scope, "PERSON", f"person:{i}", f"Real Person {i}",
                                   f"Stand In {i}"))
            vault.close()
            t0 = time.perf_counter()
            vault = Vault.open(folder)
            open_full_s = time.perf_counter() - t0
            try:
                hits = [rng.randrange(mappings) for _ in range(samples)]
                find_hit = [_timed(vault.find, f"conv-{i % scopes}", f"person:{i}") for i in hits]
                find_miss = [_timed(vault.find, f"conv-{i % scopes}", f"unknown:{i}") for i in hits]
                real_check = [_timed(vault.is_real_value, f"real person {i}") for i in hits]
                insert = [_timed(vault.add, f"conv-{i % scopes}", "EMAIL", f"new:{n}",
                                 f"new{n}@mail.test", f"alias{n}@mail.test")
                          for n, i in enumerate(hits)]
                # mappings(scope): first call per conversation decrypts, later ones are cached
                cold, warm = [], []
                for s in rng.sample(range(scopes), min(samples, scopes)):
                    cold.append(_timed(vault.mappings, f"conv-{s}"))
                    warm.append(_timed(vault.mappings, f"conv-{s}"))
                size = vault.stats()["bytes_on_disk"]["total"]
            finally:
                vault.close()
        finally:
            if old_env is None:
                os.environ.pop("DOPPEL_NO_KEYRING", None)
            else:
                os.environ["DOPPEL_NO_KEYRING"] = old_env
    result = {
        "mappings": mappings, "scopes": scopes,
        "mappings_per_scope_avg": round((mappings + samples) / scopes, 1),
        "find_hit": _summary(find_hit), "find_miss": _summary(find_miss),
        "is_real_value": _summary(real_check),
        "add_new": _summary(insert), "add_while_filling": _summary(fill),
        "mappings_cold": _summary(cold), "mappings_cached": _summary(warm),
        "open_new_ms": round(open_new_s * 1000, 1), "open_full_ms": round(open_full_s * 1000, 1),
        "bytes_on_disk": size,
        "target_find_ms": TARGET_FIND_MS,
    }
    result["find_meets_target"] = result["find_hit"]["p95_ms"] <= TARGET_FIND_MS
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=1))
