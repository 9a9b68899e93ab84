"""How many tokens the LLM layer reads per PUPA_New prompt, by length bucket, against its budget.

Reading a prompt costs per token, not per word: code, logs, markup, tables and non-Latin scripts
take several tokens a word. This counts the tokens of every PUPA_New prompt as the layer sends
them (its sentence windows, injections left out, each in its message block), measures the rate
at which this machine reads them in the same run (the layer's own prompt_ms / prompt_tokens on
a few prompts), and says how many prompts per bucket could not be read within the timeout at
that rate, however short the answer.

    .venv/bin/python -m bench.llm_prompt_tokens [--rate-n 10] [--timeout 3]
"""
from __future__ import annotations

import argparse
import random

from bench.datasets.example import load, resolve_data_dir
from bench.llm_latency import BUCKETS
from bench.metrics import percentile


def prompt_tokens(layer, text: str) -> int:
    """Tokens of the per-text part of the layer's prompts for ``text`` (its cached prefix not
    counted: it is read once per process)."""
    from detector.llm import prompt as prompts
    from detector.llm.guard import without_injections
    from detector.llm.windows import sentence_windows
    tokenize = layer._runtime.llm.tokenize
    return sum(len(tokenize(prompts.suffix(without_injections(text[s:e])).encode("utf-8", "replace"),
                            add_bos=False))
               for s, e in sentence_windows(text, layer.window_words))


def reading_ms_per_token(layer, texts: list[str]) -> float:
    """This machine's prompt-reading rate, through the layer (its batches and threads)."""
    ms = tokens = 0.0
    for text in texts:
        ann = layer.annotate(text)
        ms += ann.prompt_ms
        tokens += ann.prompt_tokens
    return ms / tokens


def measure(rate_n: int, timeout: float, seed: int) -> dict:
    from detector.llm import LLMLayer
    texts = [e.text for e in load("pupa", resolve_data_dir(None))]
    layer = LLMLayer(timeout=60.0, cache_size=0)  # the rate run must read every prompt whole
    layer.load(progress=False)
    counts = {text: prompt_tokens(layer, text) for text in set(texts)}
    pool = [t for t in texts if 101 <= len(t.split()) <= 400]
    rate = reading_ms_per_token(layer, random.Random(seed).sample(pool, min(rate_n, len(pool))))
    budget = timeout * 1000 / rate
    out = {"ms_per_token": round(rate, 2), "budget_tokens": int(budget), "buckets": {}}
    for lo, hi in BUCKETS:
        toks = [counts[t] for t in texts if lo <= len(t.split()) <= hi]
        out["buckets"][f"{lo}-{hi} words"] = {
            "n": len(toks), "p50": percentile(toks, 50), "p90": percentile(toks, 90),
            "p95": percentile(toks, 95), "max": max(toks),
            "over_budget": sum(n > budget for n in toks)}
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate-n", type=int, default=10, help="101-400-word prompts timed for the rate")
    ap.add_argument("--timeout", type=float, default=3.0, help="the layer's budget (shipped: 3 s)")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    r = measure(args.rate_n, args.timeout, args.seed)
    print(f"reading rate: {r['ms_per_token']} ms per prompt token ({args.rate_n} prompts); "
          f"{args.timeout:g} s reads {r['budget_tokens']} tokens")
    for name, b in r["buckets"].items():
        print(f"{name}: {b['n']} prompts; prompt tokens p50 {b['p50']:.0f}, p90 {b['p90']:.0f}, "
              f"p95 {b['p95']:.0f}, max {b['max']}; {b['over_budget']} "
              f"({100 * b['over_budget'] / b['n']:.1f} %) cannot be read in {args.timeout:g} s")


if __name__ == "__main__":
    main()
