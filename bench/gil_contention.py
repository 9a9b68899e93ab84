"""Fast-mode detection alone and beside a busy pure-Python thread in the same process.

Why: spaCy's NER loop gives up and retakes the GIL as it goes (3.8.8+: at every move check), so a
thread running Python beside it (the proxy's event loop under load) costs it far more than its
share of the CPU. `python -m bench.gil_contention` prints median / p95 / max per condition, at
CPython's default switch interval (5 ms) and at 0.5 and 0.1 ms (what `doppel start` sets).
"""
from __future__ import annotations

import os
import sys
import threading
import time

from bench import metrics
from bench.datasets import resolve_data_dir
from bench.speed import build_prompts, word_stream
from detector.pipeline import Detector


INTERVALS = (0.005, 0.0005, 0.0001)  # CPython's default, and two shorter


def _spin(stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1


def run(prompts: int = 15, rounds: int = 1) -> list[dict]:
    warm, texts = build_prompts(word_stream(resolve_data_dir(None)), sizes=(200,),
                                counts={200: prompts})[200]
    detector = Detector("fast", cache_size=0)
    detector.warm()
    for text in warm:
        detector.find(text)
    rows, default_interval = [], sys.getswitchinterval()
    try:
        for _ in range(rounds):
            for interval in INTERVALS:
                sys.setswitchinterval(interval)
                for busy in (False, True):
                    stop = threading.Event()
                    spinner = threading.Thread(target=_spin, args=(stop,), daemon=True) if busy else None
                    if spinner:
                        spinner.start()
                    samples = []
                    for text in texts:
                        t0 = time.perf_counter()
                        detector.find(text)
                        samples.append((time.perf_counter() - t0) * 1000)
                    stop.set()
                    if spinner:
                        spinner.join()
                    rows.append({"switch_interval_ms": interval * 1000, "busy_thread": busy,
                                 "median_ms": round(metrics.median(samples), 1),
                                 "p95_ms": round(metrics.percentile(samples, 95), 1),
                                 "max_ms": round(max(samples), 1)})
    finally:
        sys.setswitchinterval(default_interval)
    return rows


def main() -> None:
    load = os.getloadavg()[0]
    for row in run():
        print(row)
    print(f"1-minute load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
