"""Held-out-style probes: 66 short texts the team wrote by hand, in the four styles the held-out
sets are described in (support messages with typos and obfuscated values, court decisions'
quasi-identifiers, first-person disclosures, prompts as people write them) plus PII-free
questions. Made up, every name and number; kept in the repo (bench/probes/), not in the
shared data, so `doppel eval --datasets probes` needs nothing else.

They show classes, not rates: 66 texts written by the people who wrote the rules cannot stand
in for the held-out sets, and they were written (2026-12-07) after that day's rule changes, by
the same hand. Keep them fixed: a later change is measured against them, not fitted to them.
Never trained on (models/tagger's data card lists what trains it); tests/models/test_tagger_build.py
checks that no probe is a training row (a first version had "How many calories are in a banana?",
which the assistant-request corpus holds word for word).
Each value's label is its style, so the report's per-label table reads per style.
"""
import json
from pathlib import Path

from bench.datasets.example import Example, unique_values

PATH = Path(__file__).resolve().parents[1] / "probes" / "held_out_style.jsonl"


def load_probes(data_dir: Path | None = None) -> list[Example]:
    """data_dir is not read: the probes live in the repo."""
    examples = []
    for line in PATH.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        values, labels = unique_values(row["values"], [row["kind"]] * len(row["values"]))
        examples.append(Example(id=row["id"], text=row["text"], values=values, value_labels=labels))
    return examples
