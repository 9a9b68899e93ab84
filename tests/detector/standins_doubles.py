"""Test doubles for the stand-in tests: detectors whose find() returns hand-made Spans."""
from __future__ import annotations

from detector.categories import Category
from detector.errors import DetectionError
from detector.span import Layer, Span


class PhraseDetector:
    """Finds every occurrence of known phrases (longest first, non-overlapping)."""

    mode = "fast"

    def __init__(self, phrases: dict[str, Category]):
        self.phrases = phrases
        self.calls = 0

    def find(self, text: str) -> list[Span]:
        self.calls += 1
        taken: list[Span] = []
        for phrase in sorted(self.phrases, key=len, reverse=True):
            start = text.find(phrase)
            while start >= 0:
                end = start + len(phrase)
                if not any(s.start < end and start < s.end for s in taken):
                    taken.append(Span(start, end, phrase, self.phrases[phrase], Layer.RULES))
                start = text.find(phrase, start + 1)
        return sorted(taken, key=lambda s: s.start)

    def timings(self) -> dict[str, float]:
        return {"rules": 0.0}


class FixedDetector:
    """Returns exactly the spans it was given."""

    mode = "fast"

    def __init__(self, spans: list[Span]):
        self.spans = spans

    def find(self, text: str) -> list[Span]:
        return list(self.spans)


class FailingDetector:
    mode = "fast"

    def find(self, text: str) -> list[Span]:
        raise DetectionError("ner", "model not loaded")
