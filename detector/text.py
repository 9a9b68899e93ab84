"""What counts as part of a word for stand-in boundaries: regex \\w plus combining marks.

Python's \\w leaves out combining marks (U+0301 in a decomposed "é", Devanagari vowel signs),
so "e\\u0301lena" would hold a word boundary before "lena". Restoring, protecting and collision
checks all use this one definition so they agree (they match with \\w in the regex, then drop
matches that touch a mark: the 300-range mark class is slow to compile into every pattern).
"""
import functools
import re
import unicodedata


@functools.lru_cache(maxsize=1)
def _mark_ranges() -> str:
    ranges, start, prev = [], None, None
    # The Basic Multilingual Plane holds the combining marks of every script in common use;
    # scanning all 1.1M code points would cost ~2 s at start-up.
    for cp in range(0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if start is None:
                start = cp
            elif cp != prev + 1:
                ranges.append((start, prev))
                start = cp
            prev = cp
    ranges.append((start, prev))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


@functools.lru_cache(maxsize=1)
def word_class() -> str:
    """A regex character class body (put inside [...])."""
    return r"\w" + _mark_ranges()


@functools.lru_cache(maxsize=1)
def _word_re() -> re.Pattern:
    return re.compile(f"[{word_class()}]")


def is_word(c: str) -> bool:
    return _word_re().match(c) is not None
