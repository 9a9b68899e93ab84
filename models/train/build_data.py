"""Build LoRA training data for the LLM layer: messages with their "LABEL phrase" answers.

Sources (all under shared/data/seeds; NO row of an evaluation set — PUPA, PrivacyAnnotation,
presidio synth, asq-phi, SPIA, MEDDOCAN — is used; see the adapter's DATA_CARD.md):
- templates.......... lexicons.py templates filled from the Disease Ontology (CC0), presidio's
                      religion/nationality lists (MIT) and Faker names/companies/cities;
- anonymizer......... contextual-anonymizer (MIT): original/anonymised pairs aligned to spans;
- privacylens........ PrivacyLens (MIT) seed data types turned into first-person disclosures;
- negatives.......... generic requests and CL-Aff OffMyChest sentences without an
                      information disclosure (CC BY 4.0), answer NONE;
- injection.......... template messages with a prompt-injection sentence: the answer still lists.
Run with the project venv (needs Faker):
    .venv/bin/python -m models.train.build_data --out build/train/data.jsonl --n 2000
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

from models.train import lexicons as L

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "data" / "seeds"

ANONYMIZER_LABELS = {
    "NAME": "PERSON", "DOCTOR": "PERSON", "NURSE": "PERSON", "CLIENT_NAME": "PERSON",
    "COMPANY": "ORG", "SCHOOL": "ORG", "UNIVERSITY": "ORG", "UNIVERSITY_NAME": "ORG", "BANK": "ORG",
    "HOSPITAL": "ORG", "INSURER": "ORG", "MERCHANT": "ORG", "RESTAURANT": "ORG",
    "LOCATION": "LOCATION", "CITY": "LOCATION", "STATE": "LOCATION", "ADDRESS": "LOCATION",
    "DIAGNOSIS": "HEALTH", "MEDICATION": "HEALTH", "POSITION": "WORK", "DEGREE": "WORK",
    "COURT": "ORG",  # CURRENCY left out: the pairs misalign it onto ages and lab values
}

PRIVACYLENS_KEYWORDS = [
    ("HEALTH", r"health|medical|diagnos|disease|illness|mental|therapy|pregnan|medication|disorder|addiction|surgery|std|hiv"),
    ("FINANCE", r"financ|salary|debt|loan|income|bank|money|credit|bankrupt|tax|payment"),
    ("LEGAL", r"legal|criminal|arrest|court|lawsuit|immigra|visa|record|conviction|police"),
    ("RELATIONSHIP", r"relationship|affair|divorce|dating|marital|romantic|family conflict|infidel"),
    ("BELIEF", r"religio|politic|sexual orientation|gender identity|belief|faith"),
    ("WORK", r"job|employ|performance review|work|career|resign|fired|promotion"),
]


class Filler:
    """Slot values; Faker (in .venv) for names, companies, cities."""

    def __init__(self, rng: random.Random):
        from faker import Faker
        self.rng = rng
        self.fakers = [Faker(loc) for loc in ("en_US", "en_GB", "es_MX", "de_DE", "fr_FR", "hi_IN",
                                              "it_IT", "pt_BR", "en_IN", "nl_NL")]
        for i, f in enumerate(self.fakers):
            f.seed_instance(rng.randrange(1 << 30) + i)
        self.diseases = _disease_ontology(rng) + L.COMMON_DISEASES * 8
        self.religions = _csv_column(SEEDS / "presidio-templates/presidio_evaluator/data_generator/raw_data/religions.csv")
        self.nationalities = _csv_column(SEEDS / "presidio-templates/presidio_evaluator/data_generator/raw_data/nationalities.csv")

    @property
    def fk(self):
        return self.rng.choice(self.fakers)

    def value(self, slot: str) -> str:
        r = self.rng
        k, n, m = r.randint(3, 95), r.randint(2, 180), r.choice([800, 1200, 2500, 3400, 4800, 8000, 950])
        simple = {
            "disease": lambda: r.choice(self.diseases),
            "medication": lambda: r.choice(L.MEDICATIONS),
            "treatment": lambda: r.choice(L.TREATMENTS),
            "finance": lambda: r.choice(L.FINANCE).format(k=k, n=n, m=f"{m:,}", score=r.randint(480, 620)),
            "relative": lambda: r.choice(L.RELATIONSHIP),
            "relationship_event": lambda: r.choice(L.RELATIONSHIP_EVENTS),
            "legal": lambda: r.choice(L.LEGAL),
            "belief": lambda: r.choice(L.BELIEF).format(religion=r.choice(self.religions),
                                                        religion_adj=r.choice(self.religions),
                                                        nationality=r.choice(self.nationalities)),
            "job": lambda: r.choice(L.WORK),
            "job_a": lambda: r.choice(L.WORK),
            "work_event": lambda: r.choice(L.WORK_EVENTS),
            "company": lambda: self.fk.company(),
            "school": lambda: r.choice([f"the University of {self.fk.city()}", f"{self.fk.last_name()} High School",
                                        f"{self.fk.city()} Community College", f"{self.fk.last_name()} Academy"]),
            "clinic": lambda: r.choice(L.CLINICS),
            "city": lambda: self.fk.city(),
            "city2": lambda: self.fk.city(),
            "full": lambda: self.fk.name(),
            "first": lambda: self.fk.first_name(),
            "lower": lambda: r.choice([self.fk.first_name(), self.fk.name()]).lower(),
            "when": lambda: r.choice(L.WHEN),
        }
        return simple[slot]()


_SLOT = re.compile(r"\[([A-Z]+)([|=])([^\]]+)\]|\{([a-z_0-9]+)\}")


def fill(template: str, f: Filler) -> tuple[str, list[list[str]]]:
    out, items, pos = [], [], 0
    for m in _SLOT.finditer(template):
        out.append(template[pos:m.start()])
        if m.group(1):
            label, kind, arg = m.group(1), m.group(2), m.group(3)
            phrase = arg if kind == "=" else f.value(arg)
            if out and "".join(out).rstrip().endswith((".", "?", "!")) or not "".join(out).strip():
                phrase = phrase[:1].upper() + phrase[1:] if label not in ("PERSON", "ORG") or kind == "=" else phrase
            out.append(phrase)
            items.append([label, phrase])
        else:
            out.append(f.value(m.group(4)))
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), items


def templates(f: Filler, n: int, inject: bool = False) -> list[dict]:
    rows = []
    for _ in range(n):
        frame = f.rng.choice(L.FRAMES)
        d, items = fill(f.rng.choice(L.TEMPLATES), f)
        d2, items2 = fill(f.rng.choice(L.TEMPLATES), f)
        ask = f.rng.choice(L.GENERIC_ASKS)
        text = frame.format(d=d, d2=d2, ask_lc=ask[0].lower() + ask[1:])
        items = items + (items2 if "{d2}" in frame else [])
        if inject:
            inj = f.rng.choice(L.INJECTIONS)
            text = f"{inj} {text}" if f.rng.random() < 0.5 else f"{text} {inj}"
        if f.rng.random() < 0.25:  # people type in lower case too
            text, items = text.lower(), [[lab, p.lower()] for lab, p in items]
        rows.append({"source": "injection" if inject else "templates", "text": text, "items": _dedupe(items)})
    return rows


def anonymizer(rng: random.Random, n: int) -> list[dict]:
    data = json.loads((SEEDS / "contextual-anonymizer/data/synthetic_data.json").read_text())["data"]
    rows = []
    for ex in rng.sample(data, len(data)):
        text, anon = ex["context"], ex["anonymized_context"]
        if len(text.split()) > 110:
            continue
        aligned = _align_pair(text, anon)
        if aligned is None:
            continue
        items = [[ANONYMIZER_LABELS[lab], val] for lab, val in aligned
                 if lab in ANONYMIZER_LABELS and not re.fullmatch(r"[\d\s/.,:-]+", val)]
        if not items:
            continue
        rows.append({"source": "anonymizer", "text": text, "items": _dedupe(items)})
        if len(rows) >= n:
            break
    return rows


def _align_pair(text: str, anon: str) -> list[tuple[str, str]] | None:
    parts, names, seen = [], [], {}
    pos = 0
    for m in re.finditer(r"\[([A-Z_]+?)_(\d+)\]", anon):
        parts.append(re.escape(anon[pos:m.start()]))
        key = m.group(0)
        if key in seen:
            parts.append(f"(?P={seen[key]})")
        else:
            g = f"g{len(seen)}"
            seen[key] = g
            names.append((m.group(1), g))
            parts.append(f"(?P<{g}>.+?)")
        pos = m.end()
    parts.append(re.escape(anon[pos:]))
    try:
        m = re.fullmatch("".join(parts), text, re.DOTALL)
    except re.error:
        return None
    if not m:
        return None
    return [(lab, m.group(g).strip()) for lab, g in names if m.group(g).strip()]


def privacylens(rng: random.Random, n: int) -> list[dict]:
    data = json.loads((SEEDS / "PrivacyLens/data/main_data.json").read_text())
    rows = []
    frames = ["I need to tell {r} about {p}. How do I start?", "Should I post about {p} on Facebook?",
              "Help me write a note to {r} that mentions {p}.", "Is it okay to share {p} with {r}?"]
    for ex in rng.sample(data, len(data)):
        dtype = ex["seed"]["data_type"].strip().rstrip(".")
        label = next((lab for lab, pat in PRIVACYLENS_KEYWORDS if re.search(pat, dtype, re.I)), None)
        if label is None or len(dtype.split()) > 10:
            continue
        phrase = "my " + re.sub(r"^(a|an|the|one's|their|his|her)\s+", "", dtype)
        recipient = re.sub(r"^(the|a|an)\s+", "", ex["seed"]["data_recipient"]).strip()
        text = rng.choice(frames).format(r="my " + recipient, p=phrase)
        rows.append({"source": "privacylens", "text": text, "items": [[label, phrase]]})
        if len(rows) >= n:
            break
    return rows


def negatives(rng: random.Random, n: int) -> list[dict]:
    rows = [{"source": "negatives", "text": a, "items": []} for a in L.GENERIC_ASKS]
    with (SEEDS / "claff-offmychest/labeled_training_set.csv").open(encoding="utf-8", errors="ignore") as fh:
        plain = [r["full_text"] for r in csv.DictReader(fh)
                 if r["Information_disclosure"] == "0" and "<U+" not in r["full_text"]
                 and not re.search(r"\b(my|I'm|I am|me)\b", r["full_text"], re.I)
                 and 6 <= len(r["full_text"].split()) <= 40]
    for s in rng.sample(plain, max(0, min(len(plain), n - len(rows)))):
        rows.append({"source": "negatives", "text": s, "items": []})
    return rows[:n]


def _disease_ontology(rng: random.Random) -> list[str]:
    names = []
    with (SEEDS / "HumanDiseaseOntology/DOreports/HumanDO.tsv").open() as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            name = r["label"].strip('"')
            if 1 <= len(name.split()) <= 3 and not re.search(r"[\d,()]", name):
                names.append(name)
    return rng.sample(names, min(400, len(names)))


def _csv_column(path: Path) -> list[str]:
    lines = [ln.strip() for ln in path.read_text().splitlines()[1:] if ln.strip()]
    return lines


def _dedupe(items: list[list[str]]) -> list[list[str]]:
    out = []
    for it in items:
        if it not in out:
            out.append(it)
    return out


def build(n: int, seed: int = 13) -> list[dict]:
    rng = random.Random(seed)
    f = Filler(rng)
    share = {"templates": 0.42, "anonymizer": 0.30, "privacylens": 0.06, "negatives": 0.14, "injection": 0.08}
    rows = (templates(f, int(n * share["templates"]))
            + anonymizer(rng, int(n * share["anonymizer"]))
            + privacylens(rng, int(n * share["privacylens"]))
            + negatives(rng, int(n * share["negatives"]))
            + templates(f, int(n * share["injection"]), inject=True))
    rng.shuffle(rows)
    for i, r in enumerate(rows):
        r["split"] = "dev" if i % 20 == 0 else "train"  # 5 % held out from the generated data only
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("build/train/data.jsonl"))
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    rows = build(args.n, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = Counter(r["source"] for r in rows)
    labels = Counter(lab for r in rows for lab, _ in r["items"])
    print(f"wrote {len(rows)} examples to {args.out}: {dict(counts)}; labels {dict(labels)}", file=sys.stderr)


if __name__ == "__main__":
    main()
