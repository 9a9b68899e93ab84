"""Thorough-mode latency by prompt length and the process RSS with the model loaded.

Real PUPA_New prompts, bucketed by words (<= 100, 101-400), each run once through
Detector("thorough") with its cache off. Used by bench.llm_report; alone:
    .venv/bin/python -m bench.llm_latency --n 15
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from bench.datasets.example import load, resolve_data_dir
from bench.metrics import percentile

BUCKETS = ((1, 100), (101, 400))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(n: int = 15, seed: int = 11, data_dir: Path | None = None, mode: str = "thorough") -> dict:
    from detector.pipeline import Detector
    texts = [e.text for e in load("pupa", resolve_data_dir(data_dir))]
    rng = random.Random(seed)
    det = Detector(mode, cache_size=0)
    t0 = time.perf_counter()
    det.warm()
    warm_s = time.perf_counter() - t0
    llm = next((lay for lay in det.layers if getattr(lay, "name", "") == "llm"), None)
    out = {"mode": mode, "warm_s": round(warm_s, 2), "rss_mb_loaded": round(rss_mb(), 0), "buckets": {}}
    for lo, hi in BUCKETS:
        pool = [t for t in texts if lo <= len(t.split()) <= hi]
        sample = rng.sample(pool, min(n, len(pool)))
        ms, llm_ms, timeouts = [], [], 0
        for t in sample:
            began = time.perf_counter()
            det.find(t)
            ms.append((time.perf_counter() - began) * 1000)
            llm_ms.append(det.timings().get("llm", 0.0))
            timeouts += bool(llm and llm.last and llm.last.timed_out)
        out["buckets"][f"{lo}-{hi} words"] = {
            "n": len(sample), "p50_ms": round(percentile(ms, 50), 0), "p95_ms": round(percentile(ms, 95), 0),
            "llm_p95_ms": round(percentile(llm_ms, 95), 0), "timeouts": timeouts}
    out["rss_mb_after"] = round(rss_mb(), 0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=15)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--mode", default="thorough")
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args()
    print(json.dumps(measure(args.n, args.seed, data_dir=args.data, mode=args.mode), indent=1))


if __name__ == "__main__":
    main()
