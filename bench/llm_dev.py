"""Tuning harness for the LLM layer on a DEV sample of PUPA_New that excludes the report's
evaluation sample (bench.llm_report: 40 prompts, seed 7) - never tune on the eval rows.

    .venv/bin/python -m bench.llm_dev run --out build/llm_dev/base.json [--max-tokens 64 ...]
    .venv/bin/python -m bench.llm_dev score build/llm_dev/base.json

`run` records, per dev prompt, the fast layers' spans and the LLM layer's raw spans (before the
layer's precision filter) with prompt-eval / generation times; `score` replays them through
the Detector's resolution with and without the filter, so filters are compared offline.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from bench.datasets.example import load, resolve_data_dir
from bench.llm_report import pupa_sample
from bench.metrics import percentile, phrase_score, phrase_summary, phrases_match, predicted_phrases
from detector.categories import Category
from detector.span import Layer, Span

EVAL_N, EVAL_SEED, MAX_WORDS = 40, 7, 300


def dev_sample(n: int, seed: int = 23, data_dir: Path | None = None):
    """PUPA_New prompts with a gold value and <= 300 words, none of them in the eval sample."""
    data_dir = resolve_data_dir(data_dir)
    eval_ids = {e.id for e in pupa_sample(data_dir, EVAL_N, EVAL_SEED, MAX_WORDS)[0]}
    pool = [e for e in load("pupa", data_dir)
            if e.values and len(e.text.split()) <= MAX_WORDS and e.id not in eval_ids]
    return random.Random(seed).sample(pool, min(n, len(pool)))


class _Replay:
    """A layer that returns recorded spans (the LLM's), for offline scoring."""
    name = Layer.LLM

    def __init__(self, spans: list[Span]):
        self.spans = spans

    def find(self, text: str) -> list[Span]:
        return list(self.spans)


def _span(d: dict, text: str) -> Span:
    return Span(d["s"], d["e"], text[d["s"]:d["e"]], Category(d["c"]), d["l"], d.get("score", 0.5),
                d.get("v", False))


def run(args) -> None:
    from detector.llm import LLMLayer
    from detector.pipeline import fast_layers
    examples = dev_sample(args.n, args.seed)
    fast = fast_layers()
    layer = LLMLayer(timeout=args.timeout, max_tokens=args.max_tokens, window_words=args.window_words,
                     cache_size=0, raw=True)
    layer.warm()
    rows = []
    for ex in examples:
        if len(ex.text.split()) < args.min_words:
            continue
        fs = [sp for lay in fast for sp in lay.find(ex.text)]
        t0 = time.perf_counter()
        ann = layer.annotate(ex.text)
        ms = (time.perf_counter() - t0) * 1000
        rows.append({"id": ex.id, "words": len(ex.text.split()), "ms": round(ms, 1),
                     "prompt_ms": round(ann.prompt_ms, 1), "gen_ms": round(ann.gen_ms, 1),
                     "prompt_tokens": ann.prompt_tokens, "output_tokens": ann.output_tokens,
                     "windows": ann.windows, "timed_out": ann.timed_out,
                     "fast": [{"s": s.start, "e": s.end, "c": str(s.category), "l": str(s.layer),
                               "score": s.score, "v": s.validated} for s in fs],
                     "llm": [{"s": s.start, "e": s.end, "c": str(s.category), "l": str(s.layer),
                              "score": s.score} for s in ann.spans]})
        print(f"{ex.id:10} {rows[-1]['words']:4}w {ms:6.0f} ms (prompt {ann.prompt_ms:5.0f}, gen "
              f"{ann.gen_ms:5.0f}, {ann.output_tokens:3} tok, {ann.windows} win)", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items() if k != "func"},
                                    "rows": rows}, indent=0))
    _latency(rows)


def _latency(rows) -> None:
    for lo, hi in ((1, 100), (101, 400)):
        b = [r for r in rows if lo <= r["words"] <= hi]
        if b:
            print(f"{lo}-{hi} words: n {len(b)} p50 {percentile([r['ms'] for r in b], 50):.0f} "
                  f"p95 {percentile([r['ms'] for r in b], 95):.0f} ms; prompt p50 "
                  f"{percentile([r['prompt_ms'] for r in b], 50):.0f}, gen p50 "
                  f"{percentile([r['gen_ms'] for r in b], 50):.0f} ms; output tokens p50 "
                  f"{percentile([r['output_tokens'] for r in b], 50)}; timeouts(>3s) "
                  f"{sum(r['ms'] > 3000 for r in b)}")


def score(args) -> None:
    from detector.llm.filters import keep_llm_span
    from detector.pipeline import Detector, fast_layers
    data = json.loads(args.dump.read_text())
    by_id = {e.id: e for e in dev_sample(int(data["args"].get("n", len(data["rows"]))),
                                         int(data["args"].get("seed", 23)))}
    fast = fast_layers()
    for lay in fast:
        getattr(lay, "warm", lambda: None)()
    results = {"fast": [], "llm-raw": [], "thorough-raw": [], "thorough-filtered": []}
    per_cat: dict[tuple, dict[str, int]] = {}
    for row in data["rows"]:
        ex = by_id[row["id"]]
        text, gold = ex.text, list(ex.values)
        fs = [_span(d, text) for d in row["fast"]]
        ls = [_span(d, text) for d in row["llm"]]
        kept = [sp for sp in ls if keep_llm_span(text, sp)]
        for name, extra in (("fast", None), ("thorough-raw", ls), ("thorough-filtered", kept)):
            layers = [_Replay(fs)] + ([_Replay(extra)] if extra is not None else [])
            layers[0].name = Layer.NER
            spans = Detector("fast", layers=layers, cache_size=0).find(text)
            results[name].append(phrase_score(predicted_phrases(text, spans), gold))
        results["llm-raw"].append(phrase_score(predicted_phrases(text, ls), gold))
        fast_gold = {g for g in gold for f in fs if phrases_match(text[f.start:f.end], g)}
        for sp in ls:
            hit = [g for g in gold if phrases_match(sp.text, g)]
            kind = "FP" if not hit else ("new" if set(hit) - fast_gold else "dup")
            over = any(f.start < sp.end and sp.start < f.end for f in fs)
            k = (str(sp.category), "overlaps-fast" if over else "alone",
                 "kept" if keep_llm_span(text, sp) else "dropped")
            per_cat.setdefault(k, {"new": 0, "dup": 0, "FP": 0})
            per_cat[k][kind] += 1
            if args.show and kind != "dup":
                print(f"  {kind:3} {' '.join(k):36} {sp.text[:70]!r}")
    for name, scores in results.items():
        s = phrase_summary(scores)
        print(f"{name:18} P {100 * s.precision:5.1f} R {100 * s.recall:5.1f} F1 {100 * s.f1:5.1f}")
    print("LLM spans: new = matches gold no fast span matched, dup = fast matched it too, FP = no gold")
    for k, c in sorted(per_cat.items()):
        print(f"  {' '.join(k):40} new {c['new']:3} dup {c['dup']:3} FP {c['FP']:3}")
    _latency(data["rows"])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(required=True)
    r = sub.add_parser("run")
    r.add_argument("--n", type=int, default=40)
    r.add_argument("--seed", type=int, default=23)
    r.add_argument("--timeout", type=float, default=20.0)
    r.add_argument("--max-tokens", type=int, default=64)
    r.add_argument("--window-words", type=int, default=250)
    r.add_argument("--min-words", type=int, default=0, help="only prompts this long (window tests)")
    r.add_argument("--out", type=Path, required=True)
    r.set_defaults(func=run)
    s = sub.add_parser("score")
    s.add_argument("dump", type=Path)
    s.add_argument("--show", action="store_true", help="print the false-positive phrases")
    s.set_defaults(func=score)
    args = ap.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
