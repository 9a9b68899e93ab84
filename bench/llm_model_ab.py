"""Two models of the LLM layer side by side in one process: latency and whether they agree.

By default the catalog's default model against the model it is derived from (the packaged
file), both with the default adapter. Each prompt runs through both layers, the order flipped
every prompt, so machine noise falls on both alike. Real PUPA_New prompts per length bucket.

    .venv/bin/python -m bench.llm_model_ab --n 15 [--a gemma3-270m-q4out --b gemma3-270m]
"""
from __future__ import annotations

import argparse
import random
import statistics
import time

from bench.datasets.example import load, resolve_data_dir
from bench.llm_latency import BUCKETS
from bench.metrics import percentile


def _default_pair() -> tuple[str, str]:
    from models.catalog import load_catalog
    cat = load_catalog()
    default = cat.model()
    if not default.derive_from:
        raise SystemExit(f"the default model {default.name} is derived from nothing: pass --a and --b")
    return default.name, default.derive_from


def measure(a: str, b: str, n: int, seed: int, timeout: float) -> dict:
    from detector.llm import LLMLayer
    layers = {name: LLMLayer(name, timeout=timeout, cache_size=0) for name in (a, b)}
    for layer in layers.values():
        layer.warm()
    texts = [e.text for e in load("pupa", resolve_data_dir(None))]
    rng = random.Random(seed)
    out = {}
    for lo, hi in BUCKETS:
        pool = [t for t in texts if lo <= len(t.split()) <= hi]
        rows = {name: [] for name in layers}
        same = 0
        for i, text in enumerate(rng.sample(pool, min(n, len(pool)))):
            spans = {}
            for name in (a, b) if i % 2 == 0 else (b, a):
                began = time.perf_counter()
                ann = layers[name].annotate(text)
                rows[name].append(((time.perf_counter() - began) * 1000, ann))
                spans[name] = [(s.start, s.end, str(s.category)) for s in ann.spans]
            same += spans[a] == spans[b]
        out[f"{lo}-{hi} words"] = {"n": len(rows[a]), "same_spans": same,
                                   **{name: _summary(r) for name, r in rows.items()}}
    return out


def _summary(rows) -> dict:
    ms = [m for m, _ in rows]
    per_tok = [ann.gen_ms / ann.output_tokens for _, ann in rows if ann.output_tokens]
    return {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "gen_ms_per_token": statistics.median(per_tok) if per_tok else None,
            "output_tokens_p50": percentile([ann.output_tokens for _, ann in rows], 50),
            "timeouts": sum(ann.timed_out for _, ann in rows)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--a", help="catalog model (default: the catalog default)")
    ap.add_argument("--b", help="catalog model (default: the one --a is derived from)")
    ap.add_argument("--n", type=int, default=15, help="prompts per length bucket")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--timeout", type=float, default=3.0, help="per-call LLM budget (shipped: 3 s)")
    args = ap.parse_args(argv)
    a, b = (args.a, args.b) if args.a and args.b else _default_pair()
    res = measure(a, b, args.n, args.seed, args.timeout)
    print(f"A = {a}, B = {b}; timeout {args.timeout:g} s; order flipped every prompt")
    for bucket, r in res.items():
        print(f"{bucket}: n {r['n']}, same spans {r['same_spans']}/{r['n']}")
        for name in (a, b):
            s = r[name]
            print(f"  {name:22} p50 {s['p50_ms']:6.0f} ms  p95 {s['p95_ms']:6.0f} ms  "
                  f"gen {s['gen_ms_per_token'] or 0:5.1f} ms/token  answer tokens p50 "
                  f"{s['output_tokens_p50']}  timeouts {s['timeouts']}")
        ra, rb = r[a], r[b]
        print(f"  A/B: p50 {ra['p50_ms'] / rb['p50_ms']:.2f}  p95 {ra['p95_ms'] / rb['p95_ms']:.2f}  "
              f"gen ms/token {(ra['gen_ms_per_token'] or 0) / (rb['gen_ms_per_token'] or 1):.2f}")


if __name__ == "__main__":
    main()
