"""Train the spaCy backbone: rows from build_data -> DocBin -> `spacy train` with spacy.cfg.

    OPENBLAS_NUM_THREADS=1 nice -n 10 .venv/bin/python -m models.tagger.train_spacy \
        --data build/tagger/data.jsonl --out build/tagger/spacy --max-steps 4000

Runs in .venv (spaCy 3.8.7, the runtime's version). The best model by dev F1 lands in
OUT/model-best; models/tagger/export.py packs it into the single shipped file.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def to_docbin(rows: list[dict], nlp, out: Path) -> dict:
    """Rows as a DocBin, spans aligned to spaCy's tokens ("expand": a span that starts or ends
    inside a token takes the whole token). Returns counts of spans kept and expanded."""
    from spacy.tokens import DocBin

    db, kept, expanded = DocBin(), 0, 0
    for row in rows:
        doc = nlp.make_doc(row["text"])
        ents = []
        for start, end, label in row["spans"]:
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is None or any(span.start < e.end and e.start < span.end for e in ents):
                continue
            expanded += (span.start_char, span.end_char) != (start, end)
            ents.append(span)
        doc.ents = sorted(ents, key=lambda s: s.start)
        kept += len(ents)
        db.add(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(out)
    return {"docs": len(rows), "spans": kept, "expanded": expanded}


def main(argv: list[str] | None = None) -> dict:
    import spacy
    from spacy.cli.train import train

    from models.tagger import spacy_init  # noqa: F401  (registers the tok2vec callback)
    from models.tagger.build_data import read

    ap = argparse.ArgumentParser(description="Train the spaCy backbone of the tagger")
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--max-steps", type=int, default=4000)
    ap.add_argument("--eval-frequency", type=int, default=1000)
    ap.add_argument("--limit", type=int, default=0, help="only the first N training rows (toy runs)")
    ap.add_argument("--depth", type=int, default=None,
                    help="CNN encoder blocks (default: spacy.cfg's); fewer are faster, each block widens the context by a token per side")
    ap.add_argument("--seed", type=int, default=None, help="spaCy's training seed (default: spacy.cfg's)")
    args = ap.parse_args(argv)

    nlp = spacy.blank("en")
    train_rows, dev_rows = read(args.data, "train"), read(args.data, "dev")
    if args.limit:
        train_rows, dev_rows = train_rows[:args.limit], dev_rows[:max(4, args.limit // 10)]
    counts = {"train": to_docbin(train_rows, nlp, args.out / "train.spacy"),
              "dev": to_docbin(dev_rows, nlp, args.out / "dev.spacy")}
    print(f"docbins: {json.dumps(counts)}", file=sys.stderr)
    began = time.time()
    overrides = {"paths.train": str(args.out / "train.spacy"), "paths.dev": str(args.out / "dev.spacy"),
                 "training.max_steps": args.max_steps, "training.eval_frequency": args.eval_frequency}
    if args.depth is not None:
        overrides["components.ner.model.tok2vec.encode.depth"] = args.depth
    if args.seed is not None:  # 0 is a seed too: spacy.cfg's is 1
        overrides["system.seed"] = args.seed
    train(HERE / "spacy.cfg", args.out, use_gpu=-1, overrides=overrides)
    summary = {"backbone": "spacy-cnn", "seconds": round(time.time() - began, 1), "max_steps": args.max_steps,
               "depth": "spacy.cfg" if args.depth is None else args.depth,
               "seed": "spacy.cfg" if args.seed is None else args.seed, "data": counts}
    (args.out / "train_summary.json").write_text(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()
