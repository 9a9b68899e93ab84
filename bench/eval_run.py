"""`doppel eval`'s engine: run Doppel and Presidio side by side over the shared data sets.

Per text, every system runs in turn (the order rotates from text to text, so a busy machine
slows all systems alike), and each text's latency is taken on its first sighting only (the
Detector caches by text; PUPA repeats 202 prompts). Doppel's systems also get a round-trip
check of protect() + restore() on every text.
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import time
from collections import Counter
from pathlib import Path
from typing import Callable

from bench.datasets import load, resolve_data_dir
from bench.eval_diff import only_protected_by
from bench.eval_scores import SystemScore
from bench.presidio_peer import VARIANTS
from bench.roundtrip import RoundTripChecker
from bench.systems import Unavailable, build_system



def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(terse=True), "load_avg_1m": load_average()}


def load_average() -> float | None:
    """The 1-minute load average: timings on a busy machine are slower, so we say how busy."""
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def build_systems(modes: list[str], *, presidio: bool = True, ablation: bool = False) -> tuple[list, dict[str, str]]:
    """The systems that can run here, and for the others the reason they cannot. `ablation`
    adds fast mode with each layer left out and each layer alone (bench/ablation.py)."""
    names = [f"doppel-{m}" for m in modes] + (list(VARIANTS) if presidio else [])
    systems, unavailable = [], {}
    for name in names:
        try:
            systems.append(build_system(name))
        except Unavailable as e:
            unavailable[name] = str(e)
    if ablation:
        from bench.ablation import ablation_systems
        try:
            systems += ablation_systems()
        except Unavailable as e:
            unavailable["ablation"] = str(e)
    return systems, unavailable


def run_eval(
    datasets: list[str],
    systems: list,
    *,
    data_dir: Path | str | None = None,
    limit: int | None = None,
    roundtrip: bool = True,
    on_start: Callable[[str, int], None] = lambda name, n: None,
    on_example: Callable[[str], None] = lambda name: None,
) -> dict:
    """Scores per data set and system, and round-trip counts per Doppel system."""
    data_path = resolve_data_dir(data_dir)
    host = machine()  # now, so its load average is the one at the start
    started = time.time()
    results: dict = {}
    for name in datasets:
        examples = load(name, data_path)[:limit] if limit else load(name, data_path)
        on_start(name, len(examples))
        scores = {s.name: SystemScore(s.name, name) for s in systems}
        checkers = {}
        if roundtrip:
            for s in systems:
                if hasattr(s, "detector") and not getattr(s, "ablation", False):
                    try:
                        checkers[s.name] = RoundTripChecker(s.detector)
                    except ImportError as e:
                        checkers[s.name] = f"detector.protect cannot be imported ({e})"
        seen: dict[str, set[str]] = {s.name: set() for s in systems}
        pairs = [(a.name, b.name) for a in systems for b in systems
                 if a.name.startswith("doppel-") != b.name.startswith("doppel-")
                 and not getattr(a, "ablation", False) and not getattr(b, "ablation", False)]
        only: dict[tuple[str, str], Counter] = {pair: Counter() for pair in pairs}
        for i, ex in enumerate(examples):
            found: dict[str, list] = {}
            order = systems[i % len(systems):] + systems[:i % len(systems)] if systems else []
            for system in order:
                first = ex.text not in seen[system.name]
                seen[system.name].add(ex.text)
                t0 = time.perf_counter()
                try:
                    spans, error = system.find(ex.text), False
                except Exception:  # DetectionError and kin: counted, scored as nothing found
                    spans, error = [], True
                ms = (time.perf_counter() - t0) * 1000
                scores[system.name].add(ex, spans, ms if first and not error else None, error=error)
                found[system.name] = spans
                checker = checkers.get(system.name)
                if isinstance(checker, RoundTripChecker):
                    checker.check(ex.text, scope=f"eval:{name}:{ex.id}")
            for a, b in pairs:
                only[(a, b)].update(only_protected_by(ex.text, ex.values, found[a], found[b]))
            on_example(name)
        results[name] = {
            "texts": len(examples),
            "values": sum(len(e.values) for e in examples),
            "negatives": sum(e.is_negative for e in examples),
            "systems": {n: s.summary() for n, s in scores.items()},
            # values protected by the first system only, by the category it gave them
            "only_protected_by": {f"{a} not {b}": dict(c.most_common()) for (a, b), c in only.items()},
            "roundtrip": {n: (c.result.summary() if isinstance(c, RoundTripChecker) else {"unavailable": c})
                          for n, c in checkers.items()},
        }
    return {
        "meta": {
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": host,
            "data_dir": str(data_path),
            "limit": limit,
            "datasets": list(datasets),
            "systems": [s.name for s in systems],
            "seconds": round(time.time() - started, 1),
            "load_avg_1m_at_end": load_average(),
        },
        "datasets": results,
    }
