"""`doppel bench`'s engine: Doppel's latency on prompts of fixed length, next to Presidio's.

Prompts are cut from the shared data's real texts (PUPA, asq-phi, SPIA, synth), each prompt a
different stretch, so no cache can help. Doppel and Presidio (default config, same spaCy
model) run in turn on every prompt, the order alternating, so machine load hits both alike.
Peak RSS is read twice: after Doppel alone has run, and at the end with both loaded.
"""
from __future__ import annotations

import random
import resource
import sys
import time
from pathlib import Path

from bench import metrics
from bench.datasets import load, resolve_data_dir
from bench.eval_run import load_average, machine
from bench.presidio_peer import PresidioFinder
from bench.systems import DoppelFinder

SIZES = (20, 200, 2000)
COUNTS = {20: 60, 200: 40, 2000: 10}  # prompts per size (2,000-word prompts are slow for both)
WARMUP_PER_SIZE = 2
SOURCES = ("pupa", "asq", "spia", "synth")


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def word_stream(data_dir: Path, seed: int = 7) -> list[str]:
    texts = list(dict.fromkeys(e.text for name in SOURCES for e in load(name, data_dir)))
    random.Random(seed).shuffle(texts)
    return [w for t in texts for w in t.split()]


def build_prompts(words: list[str], sizes=SIZES, counts=None, warmup: int = WARMUP_PER_SIZE):
    """{size: (warm-up prompts, measured prompts)}, all distinct, cut one after another."""
    counts = counts or COUNTS
    need = sum((counts[s] + warmup) * s for s in sizes)
    if need > len(words):
        raise ValueError(f"the data holds {len(words)} words; these prompts need {need}")
    out, at = {}, 0
    for size in sizes:
        prompts = []
        for _ in range(counts[size] + warmup):
            prompts.append(" ".join(words[at:at + size]))
            at += size
        out[size] = (prompts[:warmup], prompts[warmup:])
    assert len({p for w, m in out.values() for p in w + m}) == sum(counts[s] + warmup for s in sizes)
    return out


def _time_ms(finder, text: str) -> float:
    t0 = time.perf_counter()
    finder.find(text)
    return (time.perf_counter() - t0) * 1000


def _stats(samples: list[float]) -> dict:
    return {"median_ms": metrics.median(samples), "p95_ms": metrics.percentile(samples, 95),
            "samples": len(samples)}


def run_bench(mode: str = "fast", *, data_dir: Path | str | None = None, sizes=SIZES, counts=None,
              on_progress=lambda: None) -> dict:
    prompts = build_prompts(word_stream(resolve_data_dir(data_dir)), sizes, counts)
    host = machine()  # now, so its load average is the one at the start
    started = time.time()
    # cache_size=0: every find() is a real detection (the prompts are distinct as well).
    doppel = DoppelFinder(mode, cache_size=0)
    for warm, _ in prompts.values():
        for text in warm:
            doppel.find(text)
    rss_doppel = peak_rss_mb()

    presidio = PresidioFinder("presidio")
    for warm, _ in prompts.values():
        for text in warm:
            presidio.find(text)

    per_size = {}
    for size in sizes:
        d_ms, p_ms, layers = [], [], {}
        for i, text in enumerate(prompts[size][1]):
            pair = [(doppel, d_ms), (presidio, p_ms)]
            for finder, samples in (pair if i % 2 == 0 else pair[::-1]):
                samples.append(_time_ms(finder, text))
            # Where Doppel's time goes: the Detector's own per-layer timings of that call.
            for layer, took in doppel.detector.timings().items():
                layers.setdefault(layer, []).append(took)
            on_progress()
        d, p = _stats(d_ms), _stats(p_ms)
        per_size[size] = {
            "doppel": d,
            "doppel_layers_median_ms": {k: metrics.median(v) for k, v in layers.items()},
            "presidio": p,
            # > 1 means Doppel is faster by that factor.
            "presidio_over_doppel_median": metrics.ratio(p["median_ms"], d["median_ms"]),
            "presidio_over_doppel_p95": metrics.ratio(p["p95_ms"], d["p95_ms"]),
        }
    return {
        "meta": {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": host, "mode": mode,
                 "seconds": round(time.time() - started, 1), "load_avg_1m_at_end": load_average(),
                 "prompts_per_size": {s: len(prompts[s][1]) for s in sizes}},
        "sizes": per_size,
        "peak_rss_mb_doppel_only": round(rss_doppel, 1),
        "peak_rss_mb_with_presidio": round(peak_rss_mb(), 1),
    }


def run_optional(module: str) -> dict:
    """The figures of bench.<module>.run() (vault_bench, proxy_bench, restore_bench)."""
    import importlib

    return importlib.import_module(f"bench.{module}").run()
