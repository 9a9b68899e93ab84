"""What every recognizer family shares, in Presidio's shape: PATTERNS, CONTEXT, validate().

A recognizer reports one category. Each pattern may capture the private part in a group named
`value` (so "password: x" reports only x). The verdict of validate() decides what happens:
  True  -> a checksum/format check passed: reported with validated=True;
  False -> the check failed: reported only if a context word is near and the recognizer lets
           context rescue it (a checksum must not veto an ID-shaped value in an ID context:
           docs/architecture.md#detection);
  None  -> nothing to check: reported (patterns flagged needs_context also need a context word).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from detector.categories import Category
from detector.span import Layer, Span

CONTEXT_BEFORE = 48  # characters before a match searched for context words (~6-8 words)


def near(text: str, start: int, end: int, context: re.Pattern[str] | None,
         before: int = CONTEXT_BEFORE, after: int = 0) -> bool:
    """True if a context word occurs shortly before (or, if `after`, shortly after) a match."""
    if context is None:
        return False
    if context.search(text, max(0, start - before), start):
        return True
    return bool(after) and bool(context.search(text, end, min(len(text), end + after)))


# Where a sentence ends, for rules that read a value's sentence (a sum about the writer, a year of
# someone's life): a stop, "!", "?" or a line break before a space or the end.
SENTENCE_END = re.compile(r"[.!?\n](?:\s|$)")


def sentence_start(text: str, at: int, reach: int = 240) -> int:
    """Where the sentence holding text[at] starts, at most `reach` characters back."""
    starts = [m.end() for m in SENTENCE_END.finditer(text, max(0, at - reach), at)]
    return starts[-1] if starts else max(0, at - reach)


def sentence_end(text: str, at: int, reach: int = 240) -> int:
    """Where the sentence holding text[at] ends, at most `reach` characters on."""
    m = SENTENCE_END.search(text, at, at + reach)
    return m.start() if m else min(len(text), at + reach)


@dataclass(frozen=True)
class Pattern:
    name: str
    regex: re.Pattern[str]
    score: float = 0.5
    needs_context: bool = False  # too generic on its own: report only next to a context word
    # Lower-case substrings one of which every match contains: a text holding none of them
    # skips the regex (a plain `in` test costs ~1 us, a regex scan 20-60 us per 200 words).
    triggers: tuple[str, ...] = ()


class Recognizer:
    """A recognizer family: subclasses set category, PATTERNS, CONTEXT and maybe validate()."""

    category: Category
    PATTERNS: tuple[Pattern, ...] = ()
    CONTEXT: re.Pattern[str] | None = None
    context_after: int = 0  # also look this many characters after the match for context
    context_rescues: bool = True  # a failed check is still reported inside a context

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        return None

    def source(self, pattern: str) -> str:
        """The explanation a span carries: this family and the pattern ("phone/valid")."""
        return f"{self.category.lower()}/{pattern}"

    # Two patterns matching the same place: the first accepted wins, or (True) the best verdict,
    # a passing check over a context rescue (one digit run can be several countries' ID).
    best_per_place: bool = False

    def find(self, text: str, regions: list[tuple[int, int]] | None = None) -> list[Span]:
        """Spans in pattern order. `regions` ((start, end) pairs) limits where a match may lie; an
        end should reach two characters past the last one a match may use, so the patterns'
        look-aheads read the real text (look-behinds read it anyway)."""
        spans: dict[tuple[int, int], Span] = {}
        lowered = text.lower()
        context_anywhere: bool | None = None
        for pattern in self.PATTERNS:
            if pattern.triggers and not any(t in lowered for t in pattern.triggers):
                continue
            if pattern.needs_context:
                if context_anywhere is None:
                    context_anywhere = self.CONTEXT is not None and bool(self.CONTEXT.search(text))
                if not context_anywhere:
                    continue
            has_value_group = "value" in pattern.regex.groupindex
            for a, b in regions if regions is not None else ((0, len(text)),):
                for match in pattern.regex.finditer(text, a, b):
                    start, end = match.span("value") if has_value_group else match.span()
                    if start < 0 or start == end:
                        continue
                    old = spans.get((start, end))
                    if old is not None and not self.best_per_place:
                        continue
                    span = self.judge(text, start, end, pattern)
                    if span is not None and (old is None or (span.validated, span.score) > (old.validated, old.score)):
                        spans[(start, end)] = span
        return list(spans.values())

    def judge(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        """Apply context and validation to one candidate; None drops it."""
        value = text[start:end]
        in_context = near(text, start, end, self.CONTEXT, after=self.context_after)
        if pattern.needs_context and not in_context:
            return None
        verdict = self.validate(value, pattern)
        if verdict is False and not (in_context and self.context_rescues):
            return None
        score = min(1.0, pattern.score + (0.35 if verdict else 0.0) + (0.2 if in_context else 0.0))
        return Span(start, end, value, self.category, Layer.RULES, round(score, 2), verdict is True,
                    self.source(pattern.name))


# --- labelled fields of a record or a post ("Location: Giridih | Contact: ...") ---------------
# Where a field starts: the text's or a line's start, or after "|", "•", ";", a comma or a wide gap.
_FIELD_START = r"(?:^|(?<=\n)|(?<=[|•;,])|(?<=\s\s)|(?<=\t))[ \t]*(?:[-*•][ \t]+)?"
# A value runs to the field's end: a bar, a line break, ";", a wide gap or " (".
_FIELD_END = re.compile(r"\s*\||\n|;|\s{2,}|\t|\s\(|$")
# The next field's label inside what was taken for one value ("Vellore, Employer: ...").
_NEXT_LABEL = re.compile(r"[,.]?\s+[A-Za-z][\w' ]{0,24}:\s")
FIELD_VALUE_MAX = 60


def field_regex(labels: list[str]) -> re.Pattern[str]:
    """A regex of these field labels up to their colon (any case, up to two words before them:
    "General Location:", "Current City:"; and "for/of X" after: "Location for Pickup:")."""
    core = "|".join(sorted((re.escape(l).replace(r"\ ", r"\s+") for l in labels), key=len, reverse=True))
    return re.compile(_FIELD_START + r"(?i:(?:[a-z]+\s+){0,2}(?:" + core + r")(?:\s+(?:for|of)\s+[a-z]+)?)"
                      r"[ \t]*:\Z", re.MULTILINE)


LABEL_REACH = 48  # characters before a colon a label may take
_BLANKS = re.compile(r"[ \t]*")


def field_values(text: str, labels: re.Pattern[str]):
    """(start, end) of each value after one of `labels`, cut at the field's end. An indented
    lower-case key is a config's ("    location: West Europe" in YAML), not a form's field.
    Read from each colon back: colons are few, and a scan for labels at every position of a
    prompt cost ~0.2 ms per 200 words for each family that reads fields."""
    colon = text.find(":")
    while colon >= 0:
        m = labels.search(text, max(0, colon - LABEL_REACH), colon + 1)
        colon = text.find(":", colon + 1)
        if m is None:
            continue
        start = _BLANKS.match(text, m.end()).end()
        if start >= len(text) or text[start] in "\r\n":
            continue  # an empty field
        label = m.group().strip(" \t-*•:")
        if label.islower() and m.group()[:1] in " \t" and (m.start() == 0 or text[m.start() - 1] == "\n"):
            continue
        end = _FIELD_END.search(text, start, min(len(text), start + FIELD_VALUE_MAX + 1))
        end = end.start() if end else start + FIELD_VALUE_MAX
        nxt = _NEXT_LABEL.search(text, start, end)
        if nxt:
            end = nxt.start()
        value = text[start:end].rstrip(" .,!")
        if value:
            yield start, start + len(value)


class FieldRecognizer(Recognizer):
    """A family that reads the values of its labelled fields: subclasses set LABELS (from
    field_regex), SHAPE (what a value looks like), NOT_VALUES (what forms put where none is
    given) and score, and may cut a value in cut()."""

    LABELS: re.Pattern[str]
    SHAPE: re.Pattern[str]
    NOT_VALUES: frozenset[str] = frozenset()
    score = 0.6

    def cut(self, value: str) -> str:
        return value

    def find(self, text: str) -> list[Span]:
        if ":" not in text:
            return []
        spans = []
        for start, end in field_values(text, self.LABELS):
            value = self.cut(text[start:end])
            if not self.SHAPE.fullmatch(value) or value.lower() in self.NOT_VALUES or value.lower() in STOP_WORDS:
                continue
            spans.append(Span(start, start + len(value), value, self.category, Layer.RULES, self.score,
                              source=self.source("field")))
        return spans
