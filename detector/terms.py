"""The user's own terms: "always protect" phrases become spans of the terms layer, "never
protect" phrases take the detector's spans off before any stand-in is issued.

Both match case-insensitively, on whole words, with any whitespace between a phrase's words.
An always-term ranks with the rules (Layer.TERMS): above NER, names and the LLM, because the user
said so, but a validated identifier around it still wins whole ("acme" inside an e-mail address
must not leave the rest of the address bare). A never-term drops a span that lies inside one of
its occurrences, or whose words are the term (give or take a title and a possessive: "Ms. Taylor
Swift's" for "Taylor Swift"); a span that holds the term among other words stays whole, so
"never: Taylor" cannot uncover the surname of "Taylor Johnson".

The detector never reads the vault: whoever builds the Protector passes a TermSource whose
lists may change between two calls (the vault reads them fresh when another process changed
them).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Protocol, Sequence

from detector.categories import Category
from detector.resolve import resolve
from detector.span import Layer, Span
from detector.text import SPAN_TITLES, words_regex

ALWAYS_SOURCE = "your-always-list"


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    category: Category = Category.CUSTOM  # CUSTOM: a same-shape stand-in


class TermSource(Protocol):
    def always(self) -> Sequence[Term]:
        """The "always protect" terms as they are now."""

    def never(self) -> Sequence[str]:
        """The "never protect" terms as they are now."""


def fold(term: str) -> str:
    """The form two spellings of one term share: case and inner whitespace ignored."""
    return " ".join(term.split()).casefold()


def apply_terms(text: str, spans: list[Span], always: Sequence[Term], never: Sequence[str]) -> list[Span]:
    """``spans`` (resolved, sorted) with the always-terms added and the never-terms taken off."""
    if always:
        found = always_spans(text, tuple(always))
        if found:
            spans = resolve(list(spans) + found)
    if never:
        spans = _without(text, spans, tuple(never))
    return spans


def always_spans(text: str, always: tuple[Term, ...]) -> list[Span]:
    pattern, by_fold = _always_matcher(always)
    return [Span(m.start(), m.end(), m.group(), by_fold[fold(m.group())], Layer.TERMS, 1.0,
                 source=ALWAYS_SOURCE)
            for m in pattern.finditer(text)]


@functools.lru_cache(maxsize=8)
def _always_matcher(always: tuple[Term, ...]) -> tuple[re.Pattern[str], dict[str, Category]]:
    kept = [t for t in always if t.text.strip()]
    return words_regex(" ".join(t.text.split()) for t in kept), {fold(t.text): t.category for t in kept}


@functools.lru_cache(maxsize=8)
def _never_matcher(never: tuple[str, ...]) -> tuple[re.Pattern[str], frozenset[str]]:
    kept = [" ".join(t.split()) for t in never if t.strip()]
    return words_regex(kept), frozenset(map(fold, kept))


_TITLE = re.compile(r"^(?:" + "|".join(sorted(SPAN_TITLES)) + r")\.?\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


def _core(value: str) -> str:
    """A span's words without a leading title or a trailing possessive."""
    value = _POSSESSIVE.sub("", _TITLE.sub("", value.strip()))
    return fold(value.strip(".,;:!?\"'()[]{}"))


def _without(text: str, spans: list[Span], never: tuple[str, ...]) -> list[Span]:
    pattern, folded = _never_matcher(never)
    if not folded:
        return spans
    occurrences = [m.span() for m in pattern.finditer(text)]
    return [s for s in spans
            if _core(s.text) not in folded
            and not any(start <= s.start and s.end <= end for start, end in occurrences)]
