"""The systems an evaluation compares: Doppel in a mode, and the Presidio variants.

Each is an object with `name` and `find(text) -> list[Span]`. A system that cannot be built
here (the detector not written yet, a mode not available yet) raises Unavailable with the
reason, so `doppel eval` can report it instead of crashing.
"""
from __future__ import annotations

from bench.errors import Unavailable
from bench.presidio_peer import VARIANTS, PresidioFinder
from detector.errors import DetectionError

__all__ = ["Unavailable", "DoppelFinder", "build_system"]


class DoppelFinder:
    """detector.pipeline.Detector in one mode, warmed up so the first text is not an outlier."""

    def __init__(self, mode: str = "fast", *, cache_size: int = 4096, layers: list | None = None,
                 name: str | None = None):
        try:
            from detector.pipeline import Detector
        except ImportError as e:
            raise Unavailable(f"detector.pipeline cannot be imported ({e})") from e
        try:
            self.detector = Detector(mode, cache_size=cache_size, layers=layers)
        except (ValueError, ImportError) as e:  # an unknown mode, a layer not installed
            raise Unavailable(f"mode {mode!r} is not available: {e}") from e
        try:
            self.detector.warm()
        except DetectionError as e:  # e.g. the LLM layer's model file is missing
            raise Unavailable(f"mode {mode!r} could not load its models: {e}") from e
        self.name = name or f"doppel-{mode}"
        self.mode = mode
        self.ablation = layers is not None  # a variant with layers left out (bench/ablation.py)

    def find(self, text: str):
        return self.detector.find(text)


def build_system(name: str, *, cache_size: int = 4096):
    """'doppel-fast', 'doppel-thorough', 'presidio' or 'presidio+org'."""
    if name in VARIANTS:
        return PresidioFinder(name)
    if name.startswith("doppel-"):
        return DoppelFinder(name.removeprefix("doppel-"), cache_size=cache_size)
    raise ValueError(f"unknown system {name!r}")
