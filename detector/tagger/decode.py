"""From per-token label ids to character spans: shared by the runtime layer and training's
dev scoring, so both read a model's output the same way. Pure Python + numpy.

Labels are BIO over sub-word tokens: id 0 is O, then B-X, I-X for each label X in order
(`bio_labels`). A word (the tokenizer's pre-token) takes the label of its first sub-word, so a
span never starts or ends inside a word.
"""
from __future__ import annotations

from collections.abc import Sequence


def bio_labels(labels: Sequence[str]) -> list[str]:
    return ["O"] + [f"{p}-{x}" for x in labels for p in ("B", "I")]


def spans_from_words(word_tags: Sequence[str], word_offsets: Sequence[tuple[int, int]],
                     scores: Sequence[float] | None = None) -> list[tuple[int, int, str, float]]:
    """(start, end, label, score) from one BIO tag per word: a span opens at B-X, or at I-X not
    following X, and runs over the words tagged I-X after it. Its score is the lowest word's."""
    out: list[tuple[int, int, str, float]] = []
    current: list | None = None  # [start, end, label, score]
    for i, (tag, (start, end)) in enumerate(zip(word_tags, word_offsets)):
        score = scores[i] if scores is not None else 1.0
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current is not None and current[2] == label:
            current[1] = end
            current[3] = min(current[3], score)
            continue
        if current is not None:
            out.append(tuple(current))
            current = None
        if prefix in ("B", "I"):
            current = [start, end, label, score]
    if current is not None:
        out.append(tuple(current))
    return out


def words_of(word_ids: Sequence[int | None], offsets: Sequence[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(first token index, start, end) per word, from a tokenizer's word ids and token offsets."""
    words: list[list[int]] = []
    last = None
    for t, (w, (start, end)) in enumerate(zip(word_ids, offsets)):
        if w is None or end <= start:
            continue
        if w != last:
            words.append([t, start, end])
            last = w
        else:
            words[-1][2] = end
    return [tuple(w) for w in words]


def token_windows(n: int, size: int, stride: int) -> list[tuple[int, int, int]]:
    """(start, end, keep_from) windows over n tokens: the window [start, end) decides the
    labels of tokens from keep_from on (the previous window keeps those before)."""
    out, start = [], 0
    while True:
        end = min(n, start + size)
        keep = 0 if not out else start + (size - stride) // 2
        out.append((start, end, keep))
        if end >= n:
            return out
        start += stride
