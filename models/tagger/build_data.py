"""Build the tagger's training data: labelled corpora + synthetic rows, one JSON line each.

    PYTHONHASHSEED=0 .venv/bin/python -m models.tagger.build_data --out build/tagger/data.jsonl --synthetic 26000

Each line: {"text", "spans": [[start, end, LABEL]], "source", "split"}; `split` is "dev" for
one row in 20 (by a hash of the text, so a text never sits on both sides) and "train" for the
rest. Sources (licences in models/tagger/DATA_CARD.md):
- wnut17, btc, slurp, spia380: shared/data/train (models/tagger/corpora.py);
- anonymizer: contextual-anonymizer's documents and chats (shared/data/seeds, MIT);
- synthetic-*: templates.py filled by values.py (Faker in 18 locales, the Disease Ontology,
  presidio-research's religion and nationality lists, usaddress's labelled addresses);
- claff: CL-Aff OffMyChest sentences without a disclosure (as the LLM's training reads them);
- joined: 2-4 rows of the above run together as one longer message.
No evaluation set (PUPA, presidio synth, asq-phi, SPIA 151, PrivacyAnnotation, MEDDOCAN) is read.
The same seed gives the same rows only under the same PYTHONHASHSEED (Faker picks some values
in set order): `models/tagger/build.py` runs this with PYTHONHASHSEED=0.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import warnings
from collections import Counter
from pathlib import Path

from models.tagger import corpora
from models.tagger.labels import check
from models.tagger.synthetic import Synthesizer, joined, noisy

DEV_EVERY = 20


def split_of(text: str) -> str:
    return "dev" if int(hashlib.sha256(text.encode()).hexdigest(), 16) % DEV_EVERY == 0 else "train"


def build(synthetic: int, seed: int = 13, corpora_limit: int | None = None) -> list[dict]:
    """All rows, shuffled, deduplicated by text. `corpora_limit` caps each corpus (toy builds)."""
    warnings.filterwarnings("ignore", module="faker")
    rng = random.Random(seed)
    rows: list[dict] = []
    for name, read in corpora.READERS.items():
        got = read()
        rows += rng.sample(got, min(len(got), corpora_limit)) if corpora_limit else got
    synth = Synthesizer(rng, corpora.us_addresses())
    made = [noisy(synth.template_row(), rng) for _ in range(synthetic)]
    made += [synth.code_row() for _ in range(max(1, synthetic // 10))]
    made += [synth.ask_row() for _ in range(max(1, synthetic // 60))]
    rows += made
    rows += _claff(rng, max(1, synthetic // 24))
    pool = rows[:]
    rows += [joined(rng.sample(pool, rng.randint(2, 4)), rng) for _ in range(max(1, synthetic // 8))]
    out, seen = [], set()
    for row in rows:
        text = row["text"].rstrip()
        spans = sorted([s, min(e, len(text)), check(lab)] for s, e, lab in row["spans"] if s < len(text))
        if not text.strip() or text in seen or _overlapping(spans):
            continue
        seen.add(text)
        out.append({"text": text, "spans": spans, "source": row["source"], "split": split_of(text)})
    rng.shuffle(out)
    return out


def _overlapping(spans: list[list]) -> bool:
    return any(a[1] > b[0] for a, b in zip(spans, spans[1:]))


def _claff(rng: random.Random, n: int) -> list[dict]:
    from models.train.build_data import negatives

    return [{"text": r["text"], "spans": [], "source": "claff"} for r in negatives(rng, n)]


def write(rows: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def read(path: Path, split: str | None = None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


def stats(rows: list[dict]) -> dict:
    return {
        "rows": dict(Counter(r["split"] for r in rows)),
        "sources": dict(Counter(r["source"].split(":")[0] for r in rows).most_common()),
        "labels_train": dict(Counter(s[2] for r in rows if r["split"] == "train" for s in r["spans"]).most_common()),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("build/tagger/data.jsonl"))
    ap.add_argument("--synthetic", type=int, default=26000, help="template rows (code, asks, joined scale with it)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--corpora-limit", type=int, default=None, help="at most N rows per corpus (toy builds)")
    args = ap.parse_args(argv)
    rows = build(args.synthetic, args.seed, args.corpora_limit)
    write(rows, args.out)
    print(f"wrote {len(rows)} rows to {args.out}: {json.dumps(stats(rows))}", file=sys.stderr)


if __name__ == "__main__":
    main()
