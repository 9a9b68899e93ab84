"""PUPA_New (Columbia-NLP-Lab/PAPILLON): 664 real WildChat prompts with their private values.

pii_units holds lower-cased values joined by "||". Some prompts were already anonymised by
WildChat, so some units are placeholders like <presidio_anonymized_person>: those are not real
values and are skipped (a unit that contains a placeholder is skipped whole).
"""
import csv
from pathlib import Path

from bench.datasets.example import Example, unique_values

PATH = "PUPA/PUPA_New.csv"
PLACEHOLDER_MARK = "presidio_anonymized"


def is_placeholder(unit: str) -> bool:
    return PLACEHOLDER_MARK in unit.casefold()


def load_pupa(data_dir: Path) -> list[Example]:
    examples = []
    with open(data_dir / PATH, newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f)):
            units = [u for u in row["pii_units"].split("||") if not is_placeholder(u)]
            values, _ = unique_values(units)
            # Every PUPA prompt was picked for holding private values, so a row left without
            # any (all its units were placeholders) is not a PII-free example.
            examples.append(Example(id=f"pupa-{i}", text=row["user_query"], values=values,
                                    unlabelled_means_clean=False))
    return examples


def count_placeholder_units(data_dir: Path) -> int:
    """How many units the loader skips as WildChat placeholders (reported in the docs)."""
    with open(data_dir / PATH, newline="", encoding="utf-8") as f:
        return sum(is_placeholder(u) for row in csv.DictReader(f) for u in row["pii_units"].split("||"))
