"""Where two systems disagree: values one protects and the other misses, counted by the
category of the span that did protect them. Counts only, never the values themselves."""
from __future__ import annotations

from collections import Counter

from bench import metrics


def protected_by(text: str, value: str, spans) -> str | None:
    """The category of the span over the value's first occurrence, if every occurrence is
    covered (the value-recall rule); None if the value is not protected or not present."""
    occ = metrics.occurrences(text, value)
    if not occ or metrics.value_recall(text, [value], spans).protected != 1:
        return None
    start, end = occ[0]
    best = max(spans, key=lambda s: min(s.end, end) - max(s.start, start))
    return str(best.category)


def only_protected_by(text: str, values, spans_a, spans_b) -> Counter:
    """Categories (per system a's spans) of the values a protects and b does not."""
    out: Counter = Counter()
    for value in values:
        category = protected_by(text, value, spans_a)
        if category and protected_by(text, value, spans_b) is None:
            out[category] += 1
    return out
