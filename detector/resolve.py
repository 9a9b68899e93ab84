"""Span resolution: overlapping spans from all layers become one sorted, non-overlapping list.

Rank: validated rule > rule > NER > LLM (Layer.PRIORITY); within a rank the longer span wins,
then the earlier one. A lower-ranked NER/LLM span that only partly overlaps keeps the words the
winner does not cover ("12 Baker Street, London" from NER around a rules address "12 Baker
Street" still yields "London"); rule spans are all-or-nothing, since a piece of an ID is noise.
"""
from __future__ import annotations

import re
from dataclasses import replace

from detector import formats
from detector.categories import CONTEXTUAL, Category
from detector.span import Layer, Span
from detector.text import SPAN_TITLES


def rank(span: Span) -> int:
    base = 2 * Layer.PRIORITY.get(span.layer, 0)
    return base + 1 if span.validated and span.layer == Layer.RULES else base


def settle(text: str, spans: list[Span], is_word=lambda word: False) -> list[Span]:
    """Everything the pipeline does with the layers' spans: resolve overlaps, join split names,
    add the postcode written beside a town, then mark the other mentions of each name."""
    return propagate(text, postcodes_by_towns(text, merge_adjacent(text, resolve(spans))), is_word)


SHORT_PIECE_WORDS = 3


def resolve(spans: list[Span]) -> list[Span]:
    if not spans:
        return []
    spans = _without_sums_inside_phrases(spans)
    # One byte per character marks what is taken: overlap tests and marking cost the span's
    # length, so resolving is linear in the text, whatever the number of spans.
    taken = bytearray(max(s.end for s in spans))
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (-rank(s), -(s.end - s.start), s.start, -s.score)):
        if taken.find(1, span.start, span.end) < 0:
            pieces = [span]
        elif span.layer == Layer.RULES:
            continue
        else:
            pieces = _uncovered_pieces(span, taken)
        if span.layer != Layer.RULES and span.category in CONTEXTUAL and any(
                k.layer == Layer.RULES and k.category in CONTEXTUAL
                and k.start <= span.end + 1 and span.start <= k.end + 1 for k in kept):
            # A rule named the fact inside this phrase or right beside it: a few words left of
            # it ("recovering from", "going through") are no fact, and each would be replaced by
            # a term; a longer piece may hold one of its own, so it stays.
            pieces = [p for p in pieces if len(p.text.split()) > SHORT_PIECE_WORDS]
        for piece in pieces:
            taken[piece.start:piece.end] = b"\x01" * (piece.end - piece.start)
            kept.append(piece)
    kept.sort(key=lambda s: s.start)
    return kept


def _without_sums_inside_phrases(spans: list[Span]) -> list[Span]:
    """A rule's sum inside a learned layer's phrase of the same kind ("owe about $48k in student
    loans") is the phrase's: its stand-in swaps the sum and keeps the words; a rule winning there
    would cut the phrase into pieces, each replaced by a term of its own."""
    phrases = [s for s in spans if s.layer != Layer.RULES and s.category in CONTEXTUAL]
    if not phrases:
        return spans
    return [s for s in spans if not (s.layer == Layer.RULES and s.category in CONTEXTUAL and any(
        p.category == s.category and p.start <= s.start and s.end <= p.end for p in phrases))]


def _uncovered_pieces(span: Span, taken: bytearray) -> list[Span]:
    pieces = []
    position = span.start
    while position < span.end:
        free = taken.find(0, position, span.end)
        if free < 0:
            break
        busy = taken.find(1, free, span.end)
        end = span.end if busy < 0 else busy
        piece = _trimmed(span, free, end)
        if piece is not None:
            pieces.append(piece)
        position = end
    return pieces


def _trimmed(span: Span, start: int, end: int) -> Span | None:
    """The piece [start, end) of `span` without edge spaces and punctuation; None if it is
    too small or was cut in the middle of a word."""
    text = span.text
    lo, hi = start - span.start, end - span.start
    if (lo > 0 and text[lo - 1].isalnum() and text[lo].isalnum()) or (
            hi < len(text) and text[hi - 1].isalnum() and text[hi].isalnum()):
        return None
    while lo < hi and not text[lo].isalnum():
        lo += 1
    while hi > lo and not text[hi - 1].isalnum():
        hi -= 1
    if hi - lo < 2:
        return None
    return replace(span, start=span.start + lo, end=span.start + hi, text=text[lo:hi])


# Categories whose value is a name: once found, every other mention of it is the same secret.
NAMED = frozenset({Category.PERSON, Category.ORG, Category.LOCATION, Category.USERNAME,
                   Category.BELIEF_IDENTITY})


def propagate(text: str, spans: list[Span], is_word) -> list[Span]:
    """Add every other mention of a name already found ("Sara ... sara ... SARA"), since
    spaCy tags some mentions and not others. `is_word(lower)` tells ordinary English words:
    those ("Will", "Bill") spread only to mentions written the same way."""
    by_value: dict[str, Span] = {}
    for span in spans:
        if span.category in NAMED and len(span.text) >= 3 and span.text.strip() == span.text:
            by_value.setdefault(span.text, span)
    if not by_value:
        return spans
    taken = bytearray(len(text))
    for span in spans:
        taken[span.start:span.end] = b"\x01" * (span.end - span.start)
    lowered = text.lower()
    added: list[Span] = []
    # str.find in C on the lowered text, not a regex: compiling one pattern per text cost more
    # than the rest of resolution. Lowering keeps offsets unless a character changes length.
    for value in sorted(by_value, key=len, reverse=True):
        needle = value.lower()
        loose = (not is_word(needle) and len(needle) == len(value) and len(lowered) == len(text))
        haystack, needle = (lowered, needle) if loose else (text, value)
        start = haystack.find(needle)
        while start >= 0:
            end = start + len(needle)
            if _word_edges(text, start, end) and taken.find(1, start, end) < 0:
                taken[start:end] = b"\x01" * (end - start)
                source = by_value[value]
                added.append(replace(source, start=start, end=end, text=text[start:end], score=source.score * 0.9))
            start = haystack.find(needle, start + 1)
    return sorted(spans + added, key=lambda s: s.start) if added else spans


def _word_edges(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "_" or after.isalnum() or after == "_")


# Spans of one name that the model split ("Therese" + "Belivet", "Warsaw" + ", " + "Poland").
JOINERS = {Category.PERSON: (" ",), Category.ORG: (" ",), Category.LOCATION: (" ", ", ", ",")}
TITLE = re.compile(r"(?<!\w)(?:" + "|".join(sorted(SPAN_TITLES)) + r")\.?[ \t]$", re.IGNORECASE)


def merge_adjacent(text: str, spans: list[Span]) -> list[Span]:
    """Join neighbouring name spans of one category, and put a title into the person's span
    ("Dr. Oberman", "Sir Arthur Conan Doyle"): the stand-in replaces the whole name."""
    merged: list[Span] = []
    for span in spans:
        if span.category is Category.PERSON and span.layer != Layer.RULES:
            title = TITLE.search(text, max(0, span.start - 11), span.start)
            if title and (not merged or merged[-1].end <= title.start()):
                span = replace(span, start=title.start(), text=text[title.start():span.end])
        previous = merged[-1] if merged else None
        if (previous is not None and previous.category is span.category
                and Layer.RULES not in (previous.layer, span.layer)
                and text[previous.end:span.start] in JOINERS.get(span.category, ())):
            layer = previous.layer if rank(previous) >= rank(span) else span.layer
            merged[-1] = replace(previous, end=span.end, text=text[previous.start:span.end],
                                 layer=layer, score=min(previous.score, span.score))
        else:
            merged.append(span)
    return merged


# A postcode right after a town a layer found ("Arendal 4844", "Wrocław 53-320", "Mill Village
# NS B0J 2H0", a region code between them allowed): the town alone would leave the postcode,
# which pins the place down further, in clear. A year is no postcode ("Paris 2024").
_CODE = (r"(?P<code>" + formats.NUMERIC_POSTCODE + "|" + formats.CA_POSTCODE + "|" + formats.UK_POSTCODE
         + r")(?![\w-]|[.,]\d)")
POSTCODE_AFTER = re.compile(r",?[ \t]+(?:[A-Z]{2}[ \t]+)?" + _CODE)
# After a street address, the rest of its block: a town of up to three words and a region,
# then the postcode, on one line ("... Suite 442, Mill Village NS B0J 2H0") or one part per line
# as forms and billing blocks are pasted ("Puruntie 82\n  LAPPEENRANTA\n  SK\n  53650"). On one
# line every word between must be capitalised ("12 Main St costs 500" has no town); a block
# of one part per line is itself the evidence, so a short part there may be any case.
_PART_SEP = re.compile(r"[ \t]*(?:,|\r?\n)?[ \t]*")
_PART_WORD = re.compile(r"[^\W\d_][^\W\d_'.-]*")
_CODE_ALONE = re.compile(_CODE)
_BLOCK_PARTS = 4


def _code_closing_address(text: str, end: int) -> re.Match | None:
    """The postcode that closes the address ending at ``end``, if the block has one."""
    pos, words = end, 0
    for _ in range(_BLOCK_PARTS + 1):
        sep = _PART_SEP.match(text, pos)
        if sep is None or sep.end() == pos:
            return None
        code = _CODE_ALONE.match(text, sep.end())
        if code is not None:
            return code
        word = _PART_WORD.match(text, sep.end())
        if word is None or words == _BLOCK_PARTS:
            return None
        own_line = "\n" in sep.group() and "\n" in _PART_SEP.match(text, word.end()).group()
        if not (word.group()[0].isupper() or (own_line and len(word.group()) <= 3)):
            return None
        pos, words = word.end(), words + 1
    return None


_YEAR = re.compile(r"(?:1[89]|20)\d\d")


def postcodes_by_towns(text: str, spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for i, span in enumerate(spans):
        out.append(span)
        if span.category is Category.LOCATION and span.layer != Layer.RULES:
            codes = [POSTCODE_AFTER.match(text, span.end)]
            source = "postcode beside a town"
        elif span.category is Category.ADDRESS:
            # A unit number the street rule left ("... Suite | 838\n Tujetsch\n 7188") reads
            # as a code: it is part of the address, and the block's postcode follows it.
            first = _code_closing_address(text, span.end)
            unit = first is not None and not text[span.end:first.start()].strip(" \t")
            codes = [first, _code_closing_address(text, first.end()) if unit else None]
            source = "postcode closing an address"
        else:
            continue
        limit = spans[i + 1].start if i + 1 < len(spans) else len(text)
        for m in codes:
            if m is None or _YEAR.fullmatch(m["code"]) or m.end("code") > limit:
                break  # a year, or something else was found there already
            start, end = m.span("code")
            out.append(Span(start, end, text[start:end], Category.ADDRESS, span.layer, span.score,
                            source=source))
    return out
