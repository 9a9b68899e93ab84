"""The LLM layer's own report: zero-shot vs few-shot vs LoRA-tuned, and fast vs thorough mode
next to Presidio, on PUPA_New and the PrivacyAnnotation sample. Writes docs/llm-evaluation.md
and docs/img/llm_*.png.

    .venv/bin/python -m bench.llm_report                 # default sample sizes
    .venv/bin/python -m bench.llm_report --pupa-n 20     # quicker

Metrics (bench/metrics.py, the seed paper's rules): phrase P/R/F1 averaged over queries;
query-level leakage accuracy (a query "leaks" when any phrase is predicted; gold from the
sample's leakage labels); recall per gold category; latency per query (p50/p95).
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.datasets.example import Example, load, resolve_data_dir
from bench.metrics import percentile, phrase_score, phrase_summary, phrases_match, predicted_phrases

ROOT = Path(__file__).resolve().parents[1]
PA_DIR = "PrivacyAnnotation"
PA_LEAK = "privacy_data_shareGPT_privacy_leaked_common_en_70k_example.json"
PA_CATEGORIES = "privacy_data_shareGPT_privacy_category_private_categories_merged.json"
PUPA_CSV = "PUPA/PUPA_New.csv"

# The sample's fine-grained categories, grouped under Doppel's categories for the per-category table.
PA_GROUPS = {
    "Financial Information": "FINANCE", "Rate/Income": "FINANCE",
    "Job": "WORK", "Job Title/Role": "WORK", "Job/Profession": "WORK", "Professional Role": "WORK",
    "Profession/Skill": "WORK", "Certification": "WORK", "Education": "WORK", "Skills": "WORK",
    "Business Information": "WORK", "Name": "PERSON", "Age": "AGE (no Doppel category)",
    "Interests": "INTERESTS/HABITS (none)", "Personal Habits": "INTERESTS/HABITS (none)",
    "Subject": "INTERESTS/HABITS (none)",
}


@dataclass
class Run:
    system: str
    dataset: str
    n: int
    p: float
    r: float
    f1: float
    leak_acc: float | None
    p50_ms: float
    p95_ms: float
    timeouts: int
    cat_recall: dict[str, tuple[int, int]] = field(default_factory=dict)  # category -> (found, total)


class LLMOnly:
    """The LLM layer alone, one prompt/adapter configuration."""

    def __init__(self, name: str, *, adapter, prompt: str, timeout: float):
        from detector.llm import LLMLayer
        self.name = name
        self.layer = LLMLayer(adapter=adapter, prompt=prompt, timeout=timeout, cache_size=0)
        self.layer.warm()

    def find(self, text: str):
        return self.layer.find(text)

    @property
    def timed_out(self) -> bool:
        return bool(self.layer.last and self.layer.last.timed_out)


class ModeSystem:
    def __init__(self, mode: str):
        from detector.pipeline import Detector
        self.name = f"doppel-{mode}"
        self.detector = Detector(mode, cache_size=0)
        self.detector.warm()
        self._llm = next((lay for lay in self.detector.layers if getattr(lay, "name", "") == "llm"), None)

    def find(self, text: str):
        return self.detector.find(text)

    @property
    def timed_out(self) -> bool:
        return bool(self._llm and self._llm.last and self._llm.last.timed_out)


class PresidioSystem:
    def __init__(self, variant: str = "presidio+org"):
        from bench.presidio_peer import PresidioFinder
        self.name = variant
        self.finder = PresidioFinder(variant)
        self.timed_out = False

    def find(self, text: str):
        return self.finder.find(text)


def pupa_sample(data_dir: Path, n: int, seed: int, max_words: int) -> tuple[list[Example], dict[str, str]]:
    import csv
    with open(data_dir / PUPA_CSV, newline="", encoding="utf-8") as f:
        kinds = [row["predicted_category"] for row in csv.DictReader(f)]
    examples = [e for e in load("pupa", data_dir) if e.values and len(e.text.split()) <= max_words]
    sample = random.Random(seed).sample(examples, min(n, len(examples)))
    kind = {e.id: kinds[int(e.id.split("-")[1])] for e in sample}
    return sample, kind


def privacyannotation(data_dir: Path) -> tuple[list[Example], dict[str, bool], dict[str, str]]:
    examples = load("privacyannotation", data_dir)
    leak: dict[str, bool] = {}
    for d in json.loads((data_dir / PA_DIR / PA_LEAK).read_text()):
        for i, turn in enumerate(d["conversation"]):
            leak[f"{d['id']}-{i}"] = bool((turn.get("privacy") or {}).get("judgment"))
    phrase_cat: dict[str, str] = {}
    for cat, v in json.loads((data_dir / PA_DIR / PA_CATEGORIES).read_text()).items():
        for ph in v["phrase"]:
            phrase_cat[ph.casefold()] = PA_GROUPS.get(cat, cat)
    return examples, leak, phrase_cat


def pa_category(phrase_cat: dict[str, str], gold: str) -> str | None:
    """The category file lists shorter forms of some phrases ("CTO" for "CTO of a startup"):
    exact first, else the seed paper's own phrase match."""
    if gold.casefold() in phrase_cat:
        return phrase_cat[gold.casefold()]
    return next((c for ph, c in phrase_cat.items() if phrases_match(ph, gold)), None)


def evaluate(system, dataset: str, examples: list[Example], *, leak: dict[str, bool] | None = None,
             category_of=None) -> Run:
    scores, latencies, timeouts = [], [], 0
    leak_hits = leak_total = 0
    cats: dict[str, list[int]] = {}
    for ex in examples:
        t0 = time.perf_counter()
        spans = system.find(ex.text)
        latencies.append((time.perf_counter() - t0) * 1000)
        timeouts += bool(getattr(system, "timed_out", False))
        preds = predicted_phrases(ex.text, spans)
        scores.append(phrase_score(preds, list(ex.values)))
        if leak is not None and ex.id in leak:
            leak_total += 1
            leak_hits += (bool(preds) == leak[ex.id])
        for g in ex.values:
            c = category_of(ex, g) if category_of else None
            if c is None:
                continue
            found = any(phrases_match(p, g) for p in preds)
            cats.setdefault(c, [0, 0])
            cats[c][0] += found
            cats[c][1] += 1
    s = phrase_summary(scores)
    return Run(system.name, dataset, len(examples), s.precision, s.recall, s.f1,
               leak_hits / leak_total if leak_total else None,
               percentile(latencies, 50) or 0.0, percentile(latencies, 95) or 0.0, timeouts,
               {c: (v[0], v[1]) for c, v in cats.items()})


def _model_label() -> str:
    from models.catalog import load_catalog
    m = load_catalog().model()
    return f"{m.name}: {m.description}"


def build_systems(names: list[str], llm_timeout: float):
    from models.catalog import load_catalog
    cat = load_catalog()
    tuned = cat.default_adapter
    out = []
    for name in names:
        if name == "llm-zeroshot":
            out.append(LLMOnly(name, adapter=None, prompt="zeroshot", timeout=llm_timeout))
        elif name == "llm-fewshot":
            out.append(LLMOnly(name, adapter=None, prompt="fewshot", timeout=llm_timeout))
        elif name == "llm-tuned":
            if not tuned:
                print("no adapter in models/catalog.toml: llm-tuned left out")
                continue
            out.append(LLMOnly(name, adapter=tuned, prompt=None, timeout=llm_timeout))
        elif name.startswith("doppel-"):
            out.append(ModeSystem(name.removeprefix("doppel-")))
        elif name.startswith("presidio"):
            out.append(PresidioSystem(name))
        else:
            raise SystemExit(f"unknown system {name}")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="LLM-layer evaluation report")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--pupa-n", type=int, default=40)
    ap.add_argument("--pupa-max-words", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--llm-timeout", type=float, default=30.0,
                    help="timeout for the LLM-alone rows (quality, not the shipped 3 s budget)")
    ap.add_argument("--systems", default="presidio+org,doppel-fast,llm-zeroshot,llm-fewshot,llm-tuned,doppel-thorough")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "llm-evaluation.md")
    ap.add_argument("--img", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--json", type=Path, default=ROOT / "build" / "llm_report.json")
    ap.add_argument("--latency-n", type=int, default=15,
                    help="thorough-mode latency: prompts per length bucket (0: skip)")
    ap.add_argument("--merge", action="store_true",
                    help="keep the runs of systems not rerun now from --json (same sample settings)")
    args = ap.parse_args(argv)
    data_dir = resolve_data_dir(args.data)
    pupa, pupa_kind = pupa_sample(data_dir, args.pupa_n, args.seed, args.pupa_max_words)
    pa, pa_leak, pa_cat = privacyannotation(data_dir)
    runs: list[Run] = []
    earlier: list[str] = []
    names = [n for n in args.systems.split(",") if n]
    if args.merge and args.json.is_file():
        old = json.loads(args.json.read_text())
        same = {k: old["meta"].get(k) for k in ("pupa_n", "pupa_max_words", "seed")} == \
            {"pupa_n": len(pupa), "pupa_max_words": args.pupa_max_words, "seed": args.seed}
        if not same:
            raise SystemExit(f"--merge: {args.json} was made with other sample settings")
        runs = [Run(**{**r, "cat_recall": {c: tuple(v) for c, v in r["cat_recall"].items()}})
                for r in old["runs"] if r["system"] not in names]
        earlier = old["meta"].get("earlier", []) + [f"`{old['meta']['command'].strip()}` ({old['meta']['minutes']} min)"]
    started = time.time()
    for system in build_systems(names, args.llm_timeout):
        for dataset, examples, kw in (
            ("PrivacyAnnotation", pa, dict(leak=pa_leak, category_of=lambda ex, g: pa_category(pa_cat, g))),
            ("PUPA_New", pupa, dict(category_of=lambda ex, g: pupa_kind.get(ex.id))),
        ):
            run = evaluate(system, dataset, examples, **kw)
            runs.append(run)
            print(f"{run.system:18} {dataset:18} P {run.p:.3f} R {run.r:.3f} F1 {run.f1:.3f} "
                  f"p95 {run.p95_ms:.0f} ms timeouts {run.timeouts}", flush=True)
    order = ["presidio", "presidio+org", "doppel-fast", "llm-zeroshot", "llm-fewshot", "llm-tuned", "doppel-thorough"]
    runs.sort(key=lambda r: (order.index(r.system) if r.system in order else 99, r.dataset))
    meta = {"pupa_n": len(pupa), "pupa_max_words": args.pupa_max_words, "seed": args.seed,
            "llm_timeout": args.llm_timeout, "pa_n": len(pa), "minutes": round((time.time() - started) / 60, 1),
            "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores (shared), Python {platform.python_version()}",
            "command": "python -m bench.llm_report " + " ".join(
                repr(a) if a == "" else a for a in (argv if argv is not None else __import__("sys").argv[1:])),
            "earlier": earlier, "model": _model_label()}
    if args.latency_n:
        # A fresh process: load time and RSS must not include the models the rows above loaded.
        import subprocess
        import sys
        cmd = [sys.executable, "-m", "bench.llm_latency", "--n", str(args.latency_n)]
        if args.data is not None:
            cmd += ["--data", str(args.data)]
        meta["latency"] = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        print("latency:", json.dumps(meta["latency"]), flush=True)
    elif args.merge and args.json.is_file():
        meta["latency"] = json.loads(args.json.read_text())["meta"].get("latency")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"meta": meta, "runs": [r.__dict__ for r in runs]}, indent=1))
    from bench.llm_plots import plot_category_recall, plot_recall_latency
    args.img.mkdir(parents=True, exist_ok=True)
    plot_recall_latency(runs, args.img / "llm_recall_latency.png")
    plot_category_recall(runs, args.img / "llm_category_recall.png")
    from bench.llm_markdown import render
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(runs, meta))
    print(f"wrote {args.out}, {args.img}/llm_*.png and {args.json}")


if __name__ == "__main__":
    main()
