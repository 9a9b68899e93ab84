"""SPIA / PANORAMA: 151 synthetic online posts with PII spans.

Offsets are strings, and 5 of them are off by a few characters: those are realigned to the
occurrence of span_text nearest to the stated offset.
"""
import json
from pathlib import Path

from bench.datasets.example import Example, GoldSpan, unique_values
from detector.categories import Category

PATH = "spia/entity_panorama_151.jsonl"

# SPIA's coarse labels. CODE is any identifier (passport, SSN, handle...); DEM, QUANTITY and
# MISC are demographic facts and amounts with no single Doppel category.
SPIA_TO_CATEGORY: dict[str, Category | None] = {
    "PERSON": Category.PERSON,
    "ORG": Category.ORG,
    "LOC": Category.LOCATION,
    "DATETIME": Category.DATE,
    "CODE": Category.ID_NUMBER,
    "DEM": None,
    "QUANTITY": None,
    "MISC": None,
}


def realign(text: str, span_text: str, start: int) -> int | None:
    """Start of the occurrence of span_text nearest to `start`, or None if it does not occur."""
    if text[start:start + len(span_text)] == span_text:
        return start
    hits, at = [], text.find(span_text)
    while at != -1:
        hits.append(at)
        at = text.find(span_text, at + 1)
    return min(hits, key=lambda h: abs(h - start)) if hits else None


def load_spia(data_dir: Path) -> list[Example]:
    examples = []
    lines = (data_dir / PATH).read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(l for l in lines if l.strip()):
        row = json.loads(line)
        text = row["text"]
        spans = []
        for ent in row["entities"]:
            start = realign(text, ent["span_text"], int(ent["start_offset"]))
            if start is None:
                continue
            end = start + len(ent["span_text"])
            spans.append(GoldSpan(start, end, ent["entity_type"], SPIA_TO_CATEGORY.get(ent["entity_type"])))
        spans.sort(key=lambda s: s.start)
        values, labels = unique_values([text[s.start:s.end] for s in spans], [s.label for s in spans])
        data_id = row.get("metadata", {}).get("data_id") or str(i)
        examples.append(Example(id=f"spia-{data_id}", text=text, values=values, spans=tuple(spans),
                                value_labels=labels))
    return examples
