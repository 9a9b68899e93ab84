"""Evaluation metrics: small pure functions over texts, gold values and predicted intervals.

A prediction is anything with .start and .end (detector.span.Span, GoldSpan) or a (start, end)
tuple. Overlapping predictions are merged first: what counts is which characters get replaced.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

Interval = tuple[int, int]

# Curly quotes count as straight ones when looking for a value ("Children’s" == "children's").
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def intervals(predictions: Iterable) -> list[Interval]:
    """Sorted, merged (start, end) intervals of the predictions (touching ones merge too)."""
    raw = sorted((p if isinstance(p, tuple) else (p.start, p.end)) for p in predictions)
    merged: list[list[int]] = []
    for start, end in raw:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _fold(text: str) -> str:
    # Length-preserving lower-casing (str.lower can grow a string, e.g. "İ"), so offsets hold.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text.translate(_QUOTES))


def occurrences(text: str, value: str) -> list[Interval]:
    """Where `value` occurs in `text`: case-insensitive, any whitespace run matches any other
    (gold values are often re-spaced or lower-cased copies), curly quotes == straight quotes."""
    words = _fold(value).split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    return [m.span() for m in pattern.finditer(_fold(text))]


def _must_cover(ch: str) -> bool:
    # Whitespace and punctuation between the words of a value carry nothing private; TAB's
    # rule is token-level, so "Maria Gonzalez" masked as two spans counts as protected.
    return not ch.isspace() and not unicodedata.category(ch).startswith("P")


def covered(text: str, start: int, end: int, preds: Sequence[Interval]) -> bool:
    """True if every character of text[start:end] that must be hidden lies inside a prediction."""
    need = [i for i in range(start, end) if _must_cover(text[i])]
    return all(any(s <= i < e for s, e in preds) for i in need)


@dataclass(frozen=True, slots=True)
class ValueRecall:
    protected: int  # gold values with every occurrence covered
    present: int    # gold values found in the text at all
    absent: int     # gold values that do not occur in the text (not scored)


def value_recall(text: str, values: Iterable[str], predictions: Iterable) -> ValueRecall:
    """TAB's rule: a gold value is protected only if EVERY occurrence of it is covered."""
    preds = intervals(predictions)
    protected = present = absent = 0
    for value in values:
        occ = occurrences(text, value)
        if not occ:
            absent += 1
            continue
        present += 1
        protected += all(covered(text, s, e, preds) for s, e in occ)
    return ValueRecall(protected, present, absent)


@dataclass(frozen=True, slots=True)
class CharPrecision:
    inside: int     # predicted non-whitespace characters inside some gold value's occurrence
    predicted: int  # predicted non-whitespace characters


def char_precision(text: str, values: Iterable[str], predictions: Iterable) -> CharPrecision:
    """Share of replaced characters that fall inside gold values (whitespace not counted)."""
    gold = intervals(o for v in values for o in occurrences(text, v))
    inside = predicted = 0
    for s, e in intervals(predictions):
        for i in range(s, e):
            if text[i].isspace():
                continue
            predicted += 1
            inside += any(gs <= i < ge for gs, ge in gold)
    return CharPrecision(inside, predicted)


def needless_categories(text: str, values: Iterable[str], spans) -> list[str]:
    """The category of each predicted span that overlaps no occurrence of any gold value: a
    replacement the labels do not ask for (needless, unless the labels missed a value)."""
    gold = intervals(o for v in values for o in occurrences(text, v))
    starts = [s for s, _ in gold]
    out = []
    for span in spans:
        i = bisect.bisect_left(starts, span.end) - 1  # the last gold interval starting before span.end
        if i < 0 or gold[i][1] <= span.start:
            out.append(str(span.category))
    return out


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


# --- span recall per category ----------------------------------------------------------------

def span_found(text: str, start: int, end: int, predictions: Iterable, *, rule: str) -> bool:
    """rule "cover": every must-hide character is inside predictions (any category);
    rule "overlap50": one merged prediction overlaps at least half of the gold span."""
    preds = intervals(predictions)
    if rule == "cover":
        return covered(text, start, end, preds)
    if rule == "overlap50":
        return any(min(e, end) - max(s, start) >= 0.5 * (end - start) for s, e in preds)
    raise ValueError(f"unknown rule {rule!r}")


# --- the seed paper's phrase-level metric (arXiv 2505.20910) ---------------------------------

def words(phrase: str) -> list[str]:
    return re.findall(r"\w+", phrase.lower())


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    # Hand-written: a 10-line DP beats a dependency for ROUGE-L on short phrases.
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l_f(pred: str, gold: str) -> float:
    p, g = words(pred), words(gold)
    lcs = lcs_length(p, g)
    if not lcs:
        return 0.0
    prec, rec = lcs / len(p), lcs / len(g)
    return 2 * prec * rec / (prec + rec)


def _squash(phrase: str) -> str:
    return phrase.replace(" ", "").replace("\n", "").replace(",", "").lower()


def phrases_match(pred: str, gold: str) -> bool:
    """The seed paper's rule: ROUGE-L F > 0.5, or one contains the other once spaces, commas
    and newlines are removed (and case ignored)."""
    if rouge_l_f(pred, gold) > 0.5:
        return True
    a, b = _squash(pred), _squash(gold)
    return bool(a and b) and (a in b or b in a)


@dataclass(frozen=True, slots=True)
class PhraseScore:
    precision: float | None  # None when there are no predictions (query left out of P)
    recall: float | None     # None when there is no gold phrase (query left out of R)


def phrase_score(preds: Sequence[str], golds: Sequence[str]) -> PhraseScore:
    """One query's phrase P and R. Conventions are the seed paper's own evaluate_phrase.py:
    a query without predictions has no P, a query without gold phrases has no R."""
    precision = sum(any(phrases_match(p, g) for g in golds) for p in preds) / len(preds) if preds else None
    recall = sum(any(phrases_match(p, g) for p in preds) for g in golds) / len(golds) if golds else None
    return PhraseScore(precision, recall)


@dataclass(frozen=True, slots=True)
class PhraseSummary:
    precision: float
    recall: float
    f1: float
    queries_p: int  # queries that had predictions
    queries_r: int  # queries that had gold phrases


def phrase_summary(scores: Iterable[PhraseScore]) -> PhraseSummary:
    """Average P over queries with predictions, R over queries with gold; F1 of the averages.
    An average over zero queries is 0."""
    scores = list(scores)
    ps = [s.precision for s in scores if s.precision is not None]
    rs = [s.recall for s in scores if s.recall is not None]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return PhraseSummary(p, r, f1, len(ps), len(rs))


def predicted_phrases(text: str, predictions: Iterable) -> list[str]:
    """The merged predicted spans as phrases, deduplicated case-insensitively (a model asked
    for phrases lists a name once, however often it occurs)."""
    seen, out = set(), []
    for s, e in intervals(predictions):
        phrase = text[s:e]
        if phrase.casefold() not in seen:
            seen.add(phrase.casefold())
            out.append(phrase)
    return out


# --- hard negatives and latency --------------------------------------------------------------

def false_positive_rate(negative_prediction_counts: Iterable[int]) -> float | None:
    """Share of PII-free queries with at least one prediction."""
    counts = list(negative_prediction_counts)
    return sum(c > 0 for c in counts) / len(counts) if counts else None


def percentile(samples: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100): a value that was actually measured. Every figure
    bench/ reports (p95 and the like) is taken with this one definition."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n*q/100), at least 1
    return ordered[int(rank) - 1]


def median(samples: Sequence[float]) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
