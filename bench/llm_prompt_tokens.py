"""How many tokens the LLM layer reads per PUPA_New prompt, by length bucket, against its budget.

Reading a prompt costs per token, not per word: code, logs, markup, tables and non-Latin scripts
take several tokens a word. This counts the tokens of every PUPA_New prompt as the layer sends
them (its sentence windows, injections left out, each in its message block), measures the rate
at which this machine reads them in the same run (the layer's own prompt_ms / prompt_tokens on
a few prompts), and says how many prompts per bucket could not be read within the timeout at
that rate, however short the answer.

    .venv/bin/python -m bench.llm_prompt_tokens [--rate-n 10] [--timeout 3]

``--compare-cap N`` also runs the layer with its windows cut at N tokens against uncut windows,
in one process, order flipped every prompt, with the shipped budget: on the prompts of 101-400
words over N tokens that have gold values and are not in the evaluation sample (gold values
found, right and wrong spans, timeouts), and on a random sample of the 101-400-word prompts
outside it (latency, timeouts).
"""
from __future__ import annotations

import argparse
import random
import time

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


def compare_cap(cap: int, timeout: float, n: int, seed: int) -> dict:
    from bench.llm_report import pupa_sample
    from bench.metrics import phrases_match
    from detector.llm import LLMLayer
    data = resolve_data_dir(None)
    arms = {"cut": LLMLayer(timeout=timeout, cache_size=0, window_tokens=cap),
            "whole": LLMLayer(timeout=timeout, cache_size=0, window_tokens=None)}
    for layer in arms.values():
        layer.load(progress=False)
    eval_ids = {e.id for e in pupa_sample(data, 40, 7, 300)[0]}
    examples = list({e.text: e for e in load("pupa", data)
                     if 101 <= len(e.text.split()) <= 400 and e.id not in eval_ids}.values())
    dense = [e for e in examples if e.values and prompt_tokens(arms["whole"], e.text) > cap][:n]
    sample = random.Random(seed).sample(examples, min(n, len(examples)))
    out = {}
    for part, exs in (("dense", dense), ("sample", sample)):
        rows = {name: {"ms": [], "timeouts": 0, "found": 0, "right": 0, "wrong": 0} for name in arms}
        for i, ex in enumerate(exs):
            for name in (("cut", "whole") if i % 2 == 0 else ("whole", "cut")):
                began = time.perf_counter()
                ann = arms[name].annotate(ex.text)
                r = rows[name]
                r["ms"].append((time.perf_counter() - began) * 1000)
                r["timeouts"] += ann.timed_out
                right = sum(any(phrases_match(sp.text, g) for g in ex.values) for sp in ann.spans)
                r["right"] += right
                r["wrong"] += len(ann.spans) - right
                r["found"] += sum(any(phrases_match(sp.text, g) for sp in ann.spans) for g in ex.values)
        out[part] = {"n": len(exs), "gold": sum(len(e.values) for e in exs), **rows}
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate-n", type=int, default=10, help="101-400-word prompts timed for the rate")
    ap.add_argument("--timeout", type=float, default=3.0, help="the layer's budget (shipped: 3 s)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--compare-cap", type=int, default=0, metavar="N",
                    help="also compare windows cut at N tokens with whole windows")
    ap.add_argument("--compare-n", type=int, default=30,
                    help="prompts of each kind for it, at most (there are 17 dense ones)")
    args = ap.parse_args(argv)
    r = measure(args.rate_n, args.timeout, args.seed)
    print(f"reading rate: {r['ms_per_token']} ms per prompt token ({args.rate_n} prompts); "
          f"{args.timeout:g} s reads {r['budget_tokens']} tokens")
    for name, b in r["buckets"].items():
        print(f"{name}: {b['n']} prompts; prompt tokens p50 {b['p50']:.0f}, p90 {b['p90']:.0f}, "
              f"p95 {b['p95']:.0f}, max {b['max']}; {b['over_budget']} "
              f"({100 * b['over_budget'] / b['n']:.1f} %) cannot be read in {args.timeout:g} s")
    if args.compare_cap:
        res = compare_cap(args.compare_cap, args.timeout, args.compare_n, args.seed)
        print(f"windows cut at {args.compare_cap} tokens vs whole, {args.timeout:g} s budget, "
              "order flipped every prompt:")
        for part, what in (("dense", f"101-400 words, over {args.compare_cap} tokens, with gold, "
                                     "outside the evaluation sample"),
                           ("sample", "random 101-400-word prompts outside the evaluation sample")):
            r = res[part]
            print(f"  {what}: {r['n']} prompts, {r['gold']} gold values")
            for name in ("cut", "whole"):
                a = r[name]
                print(f"    {name:5} gold found {a['found']:3}  spans right {a['right']:3} wrong "
                      f"{a['wrong']:3}  timeouts {a['timeouts']:2}  p50 {percentile(a['ms'], 50):5.0f} ms"
                      f"  p95 {percentile(a['ms'], 95):5.0f} ms")


if __name__ == "__main__":
    main()
