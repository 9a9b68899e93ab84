"""Running totals of one system on one data set, turned into figures at the end."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bench import metrics
from bench.datasets import Example

SPAN_RULES = ("cover", "overlap50")


@dataclass
class LabelTally:
    total: int = 0
    found: dict[str, int] = field(default_factory=lambda: {r: 0 for r in SPAN_RULES})


@dataclass
class SystemScore:
    system: str
    dataset: str
    texts: int = 0
    errors: int = 0            # texts where the system raised (scored as if it found nothing)
    protected: int = 0
    present: int = 0
    absent: int = 0
    chars_inside: int = 0
    chars_predicted: int = 0
    negatives: int = 0         # PII-free texts
    negatives_flagged: int = 0  # ... of which the system marked something
    negative_categories: Counter = field(default_factory=Counter)  # categories marked on them
    spans_predicted: int = 0
    phrase_scores: list = field(default_factory=list)
    labels: dict[str, LabelTally] = field(default_factory=dict)
    label_categories: dict[str, str | None] = field(default_factory=dict)
    label_unit: str = "span"   # "span" where the data has gold spans, else "value"
    latencies_ms: list[float] = field(default_factory=list)
    needless: Counter = field(default_factory=Counter)  # spans touching no gold value, by category

    def add(self, ex: Example, spans, ms: float | None, *, error: bool = False) -> None:
        self.texts += 1
        self.errors += error
        self.spans_predicted += len(spans)
        vr = metrics.value_recall(ex.text, ex.values, spans)
        self.protected += vr.protected
        self.present += vr.present
        self.absent += vr.absent
        self.needless.update(metrics.needless_categories(ex.text, ex.values, spans))
        cp = metrics.char_precision(ex.text, ex.values, spans)
        self.chars_inside += cp.inside
        self.chars_predicted += cp.predicted
        if ex.is_negative:
            self.negatives += 1
            self.negatives_flagged += bool(spans)
            self.negative_categories.update(str(s.category) for s in spans)
        self.phrase_scores.append(
            metrics.phrase_score(metrics.predicted_phrases(ex.text, spans), list(ex.values)))
        self._add_labels(ex, spans)
        if ms is not None:
            self.latencies_ms.append(ms)

    def _add_labels(self, ex: Example, spans) -> None:
        if ex.spans:
            for gold in ex.spans:
                tally = self._tally(gold.label, gold.category)
                tally.total += 1
                for rule in SPAN_RULES:
                    tally.found[rule] += metrics.span_found(ex.text, gold.start, gold.end, spans, rule=rule)
        elif ex.value_labels:
            self.label_unit = "value"
            categories = ex.value_categories or (None,) * len(ex.values)
            for value, label, category in zip(ex.values, ex.value_labels, categories):
                vr = metrics.value_recall(ex.text, [value], spans)
                if not vr.present:
                    continue
                tally = self._tally(label, category)
                tally.total += 1
                for rule in SPAN_RULES:  # a value has no partial credit: both rules agree
                    tally.found[rule] += vr.protected

    def _tally(self, label: str, category) -> LabelTally:
        if label not in self.labels:
            self.labels[label] = LabelTally()
            self.label_categories[label] = str(category) if category else None
        return self.labels[label]

    def summary(self) -> dict:
        phrase = metrics.phrase_summary(self.phrase_scores)
        return {
            "system": self.system,
            "dataset": self.dataset,
            "texts": self.texts,
            "errors": self.errors,
            "spans_predicted": self.spans_predicted,
            "value_recall": metrics.ratio(self.protected, self.present),
            "values_protected": self.protected,
            "values_present": self.present,
            "values_absent": self.absent,
            "char_precision": metrics.ratio(self.chars_inside, self.chars_predicted),
            "chars_predicted": self.chars_predicted,
            "phrase_precision": phrase.precision,
            "phrase_recall": phrase.recall,
            "phrase_f1": phrase.f1,
            "phrase_queries_p": phrase.queries_p,
            "phrase_queries_r": phrase.queries_r,
            "negatives": self.negatives,
            "false_positive_rate": metrics.ratio(self.negatives_flagged, self.negatives),
            "negative_span_categories": dict(self.negative_categories.most_common()),
            # Replacements that touch no labelled value: needless unless the labels missed it.
            "needless_per_text": metrics.ratio(sum(self.needless.values()), self.texts),
            "needless_by_category": dict(self.needless.most_common()),
            "latency_ms_median": metrics.median(self.latencies_ms),
            "latency_ms_p95": metrics.percentile(self.latencies_ms, 95),
            "latency_samples": len(self.latencies_ms),
            "label_unit": self.label_unit,
            "per_label": {
                label: {
                    "category": self.label_categories[label],
                    "total": t.total,
                    **{f"recall_{rule}": metrics.ratio(t.found[rule], t.total) for rule in SPAN_RULES},
                }
                for label, t in sorted(self.labels.items())
            },
        }
