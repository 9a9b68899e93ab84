"""The tagger layer: Doppel's own token classifier (models/tagger/ trains it), every category
at once, AGE and the contextual ones included, from context rather than lists.

Which model: the `tagger` argument (a catalog name or a file), then DOPPEL_TAGGER, then the
catalog's default_tagger (models/catalog.toml). The file's sha256 is checked against the
catalog before it is loaded; it is loaded once per process and shared by every layer that
names it. A missing, corrupt or unloadable model raises DetectionError: the pipeline fails
closed, as for every layer.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from detector.categories import Category
from detector.errors import DetectionError
from detector.span import Layer, Span
from models.catalog import ModelFileError, load_catalog, verify_file

ENV = "DOPPEL_TAGGER"
RUNTIMES = {"spacy": ("detector.tagger.spacy_runtime", "SpacyRuntime"),
            "onnx": ("detector.tagger.onnx_runtime", "OnnxRuntime")}

_loaded: dict[Path, object] = {}
_load_lock = threading.Lock()


def choose(tagger: str | Path | None = None) -> tuple[str, Path, str, str | None]:
    """(label, file, runtime, sha256 or None for a file outside the catalog)."""
    catalog = load_catalog()
    tagger = tagger if tagger is not None else (os.environ.get(ENV) or None)
    if tagger is None or (isinstance(tagger, str) and tagger in catalog.taggers):
        entry = catalog.tagger(tagger)
        return entry.name, entry.file, entry.runtime, entry.sha256
    path = Path(tagger).expanduser()
    runtime = "onnx" if ".onnx" in path.name else "spacy"
    return path.name, path, runtime, None


def load_runtime(path: Path, runtime: str, sha256: str | None):
    with _load_lock:
        if path not in _loaded:
            if sha256 is not None:
                verify_file(path, sha256, fix="restore it from git: git checkout -- models/tagger/",
                            use_stamp=False)
            elif not path.is_file():
                raise ModelFileError(path, "not found", "pass an existing tagger file")
            import importlib

            module, name = RUNTIMES[runtime]
            _loaded[path] = getattr(importlib.import_module(module), name)(path)
        return _loaded[path]


class TaggerLayer:
    """Spans from the tagger model, mapped to Doppel's categories."""

    name = Layer.MODEL

    def __init__(self, tagger: str | Path | None = None):
        self.label, self.path, self.runtime_name, self.sha256 = choose(tagger)

    def _runtime(self):
        try:
            return load_runtime(self.path, self.runtime_name, self.sha256)
        except ModelFileError as exc:
            raise DetectionError(self.name, f"tagger {self.label}: {exc.problem}. Fix: {exc.fix}") from None
        except ImportError as exc:
            raise DetectionError(self.name, f"tagger {self.label} needs a package that is not installed "
                                            f"({exc.name})") from None

    def warm(self) -> None:
        self.find("Warm up: I'm Maria, 34, and my passport number is X1234567.")

    def find(self, text: str) -> list[Span]:
        if not text.strip():
            return []
        runtime = self._runtime()
        spans = []
        for start, end, label, score in runtime.find(text):
            start, end = _trim(text, start, end)
            if not any(c.isalnum() for c in text[start:end]):
                continue  # a lone bracket or dash tagged as a value: nothing private, no stand-in fits
            spans.append(Span(start, end, text[start:end], Category(label), Layer.MODEL, score,
                              source=f"model:{label}"))
        return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Spaces and closing punctuation a token boundary left at a span's edges go."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:!?"):
        end -= 1
    return start, end
