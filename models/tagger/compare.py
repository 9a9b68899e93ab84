"""Compare tagger backbones: recall, precision, milliseconds at 200 words and size, each model
alone (no other layer), in the venv its runtime needs.

    .venv/bin/python -m models.tagger.compare models/tagger/doppel-tagger-v2.spacy.tar --out build/tagger/compare/spacy.json
    .venv-train/bin/python -m models.tagger.compare build/tagger/minilm.onnx.tar --out build/tagger/compare/minilm.json
    .venv/bin/python -m models.tagger.compare --table build/tagger/compare/*.json
    .venv/bin/python -m models.tagger.compare --pipeline A.spacy.tar B.spacy.tar

--pipeline puts each model in fast mode instead (rules + names + that tagger, the precision
stage on) and runs them side by side, interleaved, in one process over every evaluation set,
as `doppel eval` does: what a new model changes for the user, not only alone.

Figures: exact-span P/R/F1 on the tagger's own dev split (build_data's split "dev"); value
recall and char precision on PUPA_New, cover recall of synth's DATE_TIME/AGE/ZIP_CODE, the
share of asq-phi's PII-free questions changed, PrivacyAnnotation phrase F1 (evaluation sets:
read here, never trained on); latency on the 40 distinct 200-word prompts `doppel bench` uses,
one thread, after warm-up.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def evaluate(path: Path, data: Path, datasets=("pupa", "synth", "asq", "privacyannotation")) -> dict:
    from bench import metrics
    from bench.datasets import load
    from bench.eval_scores import SystemScore
    from bench.speed import build_prompts, word_stream
    from detector.tagger.layer import TaggerLayer
    from models.tagger.build_data import read
    from models.tagger.train_minilm import score

    layer = TaggerLayer(path)
    began = time.time()
    layer.warm()
    load_s = time.time() - began
    dev_rows = read(data, "dev")
    dev = score(dev_rows, lambda text: [(s.start, s.end, str(s.category)) for s in layer.find(text)])
    per_label: dict[str, list[int]] = {}
    for row in dev_rows:
        found = {(s.start, s.end, str(s.category)) for s in layer.find(row["text"])}
        for s in row["spans"]:
            hit = per_label.setdefault(s[2], [0, 0])
            hit[0] += tuple(s) in found
            hit[1] += 1
    dev["recall_by_label"] = {k: round(a / b, 3) for k, (a, b) in sorted(per_label.items())}
    sets = {}
    for name in datasets:
        tally = SystemScore(path.name, name)
        for ex in load(name):
            tally.add(ex, layer.find(ex.text), None)
        s = tally.summary()
        sets[name] = {k: s[k] for k in ("value_recall", "char_precision", "phrase_f1", "false_positive_rate",
                                         "needless_per_text")}
        sets[name]["per_label"] = {k: v["recall_cover"] for k, v in s["per_label"].items()}
    prompts = build_prompts(word_stream(ROOT.parent / "shared" / "data"), sizes=(200,), counts={200: 40})[200]
    for text in prompts[0]:
        layer.find(text)
    samples = []
    for text in prompts[1]:
        t0 = time.perf_counter()
        layer.find(text)
        samples.append((time.perf_counter() - t0) * 1000)
    return {"model": path.name, "bytes": path.stat().st_size, "load_s": round(load_s, 2), "dev": dev,
            "sets": sets, "ms_200_words": {"median": metrics.median(samples), "p95": metrics.percentile(samples, 95)},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "load_avg_1m": round(os.getloadavg()[0], 2)}


def in_pipeline(paths: list[Path], datasets=("pupa", "synth", "asq", "spia", "privacyannotation")) -> str:
    """Fast mode with each model as its tagger, one `run_eval` (interleaved, same texts):
    a markdown table of the figures #16 targets."""
    from bench.eval_run import run_eval
    from bench.systems import DoppelFinder
    from detector.names.layer import NamesLayer
    from detector.rules import RulesLayer
    from detector.tagger.layer import TaggerLayer

    systems = [DoppelFinder("fast", layers=[RulesLayer(), NamesLayer(), TaggerLayer(p)], name=f"doppel-{p.name}")
               for p in paths]
    results = run_eval(list(datasets), systems, roundtrip=False)

    def pct(x):
        return "–" if x is None else f"{100 * x:.1f}"

    head = ("tagger", "PUPA value recall / char precision / needless", "synth DATE / AGE / ZIP",
            "asq PII-free changed", "SPIA value recall", "PrivacyAnnotation F1", "PUPA ms median / p95")
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    sets = results["datasets"]
    for s in systems:
        pupa = sets.get("pupa", {}).get("systems", {}).get(s.name, {})
        synth = sets.get("synth", {}).get("systems", {}).get(s.name, {}).get("per_label", {})
        label = {k: (v or {}).get("recall_cover") for k, v in synth.items()}
        rows.append("| " + " | ".join([
            s.name.removeprefix("doppel-"),
            f"{pct(pupa.get('value_recall'))} / {pct(pupa.get('char_precision'))} / {pupa.get('needless_per_text', 0):.2f}",
            f"{pct(label.get('DATE_TIME'))} / {pct(label.get('AGE'))} / {pct(label.get('ZIP_CODE'))}",
            pct(sets.get("asq", {}).get("systems", {}).get(s.name, {}).get("false_positive_rate")),
            pct(sets.get("spia", {}).get("systems", {}).get(s.name, {}).get("value_recall")),
            pct(sets.get("privacyannotation", {}).get("systems", {}).get(s.name, {}).get("phrase_f1")),
            f"{pupa.get('latency_ms_median', 0):.1f} / {pupa.get('latency_ms_p95', 0):.1f}"]) + " |")
    rows.append(f"\nload average (1 min) at the end: {results['meta']['load_avg_1m_at_end']}")
    return "\n".join(rows)


def table(results: list[dict]) -> str:
    def pct(x):
        return "–" if x is None else f"{100 * x:.1f}"

    head = ("model", "size MB", "dev P / R / F1", "PUPA value recall / char precision", "synth DATE / AGE / ZIP",
            "asq PII-free changed", "PrivacyAnnotation F1", "ms at 200 words median / p95", "recall per ms", "load avg")
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        d, s, t = r["dev"], r["sets"], r["ms_200_words"]
        synth = s.get("synth", {}).get("per_label", {})
        recall = s.get("pupa", {}).get("value_recall")
        rows.append("| " + " | ".join([
            r["model"], f"{r['bytes'] / 1e6:.1f}", f"{pct(d['precision'])} / {pct(d['recall'])} / {pct(d['f1'])}",
            f"{pct(recall)} / {pct(s.get('pupa', {}).get('char_precision'))}",
            f"{pct(synth.get('DATE_TIME'))} / {pct(synth.get('AGE'))} / {pct(synth.get('ZIP_CODE'))}",
            pct(s.get("asq", {}).get("false_positive_rate")), pct(s.get("privacyannotation", {}).get("phrase_f1")),
            f"{t['median']:.1f} / {t['p95']:.1f}", f"{100 * recall / t['median']:.2f}" if recall else "–",
            str(r["load_avg_1m"])]) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", type=Path)
    ap.add_argument("--data", type=Path, default=ROOT / "build" / "tagger" / "data.jsonl")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--table", nargs="*", type=Path, help="print the markdown table of these result files")
    ap.add_argument("--pipeline", action="store_true", help="each model inside fast mode, side by side")
    args = ap.parse_args(argv)
    if args.pipeline:
        print(in_pipeline(args.models))
        return
    if args.table:
        print(table([json.loads(p.read_text()) for p in args.table]))
        return
    for path in args.models:
        result = evaluate(path, args.data)
        text = json.dumps(result, indent=2)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text)
        print(text)


if __name__ == "__main__":
    main()
