"""The common shape of an evaluation example, where the data lives, and the loader registry."""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from detector.categories import Category

# Repo root is bench/datasets/example.py -> parents[2]; the shared data sits beside the repo.
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"
DATA_ENV = "DOPPEL_DATA"


@dataclass(frozen=True, slots=True)
class GoldSpan:
    start: int
    end: int
    label: str  # the data set's own label (e.g. "US_SSN", "PERSON")
    category: Category | None = None  # Doppel's category for it, None where Doppel has none


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    text: str
    values: tuple[str, ...]  # gold private values, deduplicated case-insensitively
    spans: tuple[GoldSpan, ...] = ()
    value_labels: tuple[str, ...] = field(default=())  # label per value, where the data has one
    value_categories: tuple[Category | None, ...] = field(default=())  # Doppel's, per value
    # False where an empty value list does not mean "nothing private" (PUPA rows whose only
    # units were WildChat placeholders).
    unlabelled_means_clean: bool = True

    @property
    def is_negative(self) -> bool:
        """A hard negative: the data set says this text holds nothing private."""
        return not self.values and self.unlabelled_means_clean


def resolve_data_dir(data_dir: Path | str | None = None) -> Path:
    """--data DIR wins, then $DOPPEL_DATA, then ../shared/data beside the repo."""
    if data_dir:
        path = Path(data_dir)
    elif os.environ.get(DATA_ENV):
        path = Path(os.environ[DATA_ENV])
    else:
        path = DEFAULT_DATA_DIR
    if not path.is_dir():
        raise FileNotFoundError(f"evaluation data not found at {path} (use --data DIR or ${DATA_ENV})")
    return path


def unique_values(values, labels=None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Drop empty and repeated (case-insensitive) values, keeping the first label seen."""
    seen: set[str] = set()
    out_values: list[str] = []
    out_labels: list[str] = []
    for i, value in enumerate(values):
        value = value.strip()
        key = value.casefold()
        if not value or key in seen:
            continue
        seen.add(key)
        out_values.append(value)
        if labels is not None:
            out_labels.append(labels[i])
    return tuple(out_values), tuple(out_labels)


# name -> "module:function"; imported on demand so one broken loader does not hide the others.
LOADERS: dict[str, str] = {
    "pupa": "bench.datasets.pupa:load_pupa",
    "synth": "bench.datasets.synth:load_synth",
    "asq": "bench.datasets.asq:load_asq",
    "spia": "bench.datasets.spia:load_spia",
    "privacyannotation": "bench.datasets.privacyannotation:load_privacyannotation",
    "probes": "bench.datasets.probes:load_probes",
}


def load(name: str, data_dir: Path | str | None = None) -> list[Example]:
    if name not in LOADERS:
        raise KeyError(f"unknown data set {name!r}; known: {', '.join(LOADERS)}")
    module, func = LOADERS[name].split(":")
    loader: Callable[[Path], list[Example]] = getattr(importlib.import_module(module), func)
    return loader(resolve_data_dir(data_dir))
