"""Text as the model reads it: a normalised view of a text with an exact offset map back.

People (and copy-paste) write values the model reads as plain ones: full-width digits and
signs ("４１１１ １１１１", "smith＠example.com"), Arabic-Indic or Devanagari digits, a zero-width
space or soft hyphen inside a phone or an email, a Cyrillic "о" inside a Latin address. The
detector's patterns are written for the plain spelling, so the layers read a view:
- every character through NFKC on its own (full-width and small forms, non-breaking and other
  spaces, ligatures), except "other numbers" (superscripts, circled and fraction digits: "m²",
  "①"), which NFKC would turn into digits that were never written as a number;
- format characters (category Cf: zero-width space/joiner, soft hyphen, bidi marks, word
  joiner, BOM...) and the few other default-ignorable code points removed;
- every Unicode decimal digit (unicodedata.decimal) folded to its ASCII digit;
- the dashes a phone or card is written with (‐ ‑ ‒ – −) and the ideographic full stop folded
  to "-" and ".".
The rules layer reads that view with one more fold, length for length: in words that mix Latin
letters with look-alikes from other scripts, each look-alike folded to its Latin letter
(confusable-homoglyphs: Unicode's confusables list). Words in one script stay as written, so
Russian or Greek text is never "folded" into Latin.

The other layers (spaCy's NER, the names layer, the LLM) read a lighter view, `read_names`:
only invisible characters inside a word removed ("Ma\u200bria") and Unicode digits folded.
spaCy's English model tags differently once "，" reads as "," or "–" as "-" (measured on
PUPA and SPIA samples: whole Chinese clauses became PERSON), and names need neither.

A span found on a view maps back to the original characters it was read from, with everything
removed inside it: the replacement covers the real characters, zero-width ones included, and
Span.text == original[start:end] still holds. A text in ASCII (most prompts) is its own view
and costs one str.isascii().
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace

from detector.span import Span

# Default-ignorable code points outside category Cf (Unicode's Default_Ignorable_Code_Point,
# which Python's unicodedata does not expose): the combining grapheme joiner, Hangul fillers,
# Khmer inherent vowels, Mongolian free variation selectors and the variation selectors.
_IGNORABLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x3164, 0xFFA0]
    + list(range(0xFE00, 0xFE10)) + list(range(0xE0100, 0xE01F0)))
# Signs NFKC leaves alone that phones, cards and domains are written with (hand list: no
# Unicode property groups "reads as a hyphen"). The em dash stays: it separates prose.
_SIGNS = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2212": "-", "\u2043": "-",
          "\u3002": "."}


@functools.lru_cache(maxsize=8192)
def fold_char(c: str) -> str:
    """What one character reads as in the view: "" for an invisible one."""
    cp = ord(c)
    if cp < 0x80:
        return c
    category = unicodedata.category(c)
    if category == "Cf" or cp in _IGNORABLE:
        return ""
    digit = unicodedata.decimal(c, None)
    if digit is not None:
        return str(digit)
    if category == "No":
        return c
    nfkc = unicodedata.normalize("NFKC", c)
    return "".join(_SIGNS.get(x, x) for x in nfkc)


# --- look-alike letters (the rules' view) ----------------------------------------------------
def _any_of(code_points) -> str:
    """A regex class for any of these characters (of the Basic Multilingual Plane), as ranges:
    re matches it with a bitmap. A class that also holds characters beyond the BMP is matched
    one range at a time (measured: 0.06 ms against 1.2 ms for 10,000 characters)."""
    ranges: list[list[int]] = []
    for cp in sorted(set(code_points)):
        if cp > 0xFFFF:
            raise ValueError("BMP characters only")
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges) + "]"


@functools.lru_cache(maxsize=1)
def _lookalikes() -> tuple[dict[int, str], re.Pattern, re.Pattern]:
    """Non-ASCII letters that look like one ASCII letter, a regex finding any of them, and one
    finding the words that hold one and an ASCII letter (anchored at word starts: a pass or two
    over each word, in C). confusable-homoglyphs ships Unicode's confusables list (loaded
    once, ~0.1 s)."""
    from confusable_homoglyphs.confusables import confusables_data

    table: dict[int, str] = {}
    for char, glyphs in confusables_data.items():
        # Beyond the BMP (Old Italic, Deseret...) no one types a look-alike by accident.
        if len(char) != 1 or char.isascii() or ord(char) > 0xFFFF or not char.isalpha() or fold_char(char) != char:
            continue
        latin = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalpha()]
        if latin:
            same_case = [x for x in latin if x.isupper() == char.isupper()]
            table[ord(char)] = (same_case or latin)[0]
    anyone = _any_of(table)
    return table, re.compile(anyone), re.compile(rf"(?<!\S)(?=\S*?[A-Za-z])\S*?{anyone}\S*")


def _fold_lookalikes(text: str) -> str:
    """Look-alikes folded to Latin inside words that also hold an ASCII letter. The regexes scan
    in C and Python sees only the mixed words (measured on 2,000 words: one regex form cost 5 ms
    on English text, a Python loop over a Russian text's words 12 ms; this one ~1 ms)."""
    table, anyone, words = _lookalikes()
    if anyone.search(text) is None:
        return text
    out, pos = [], 0
    for word in words.finditer(text):
        out.append(text[pos:word.start()])
        out.append(word.group().translate(table))
        pos = word.end()
    out.append(text[pos:])
    return "".join(out)


def warm() -> None:
    _lookalikes()


# --- the view ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class View:
    original: str
    text: str   # the view
    rules: str  # what the rules read: `text` with look-alikes folded (same length; else `text`)
    # For each character of `text`: the original characters it came from, [starts[i], ends[i]).
    # None: `text` is `original`, character for character.
    starts: list[int] | None = None
    ends: list[int] | None = None

    @property
    def identity(self) -> bool:
        return self.starts is None

    def original_range(self, start: int, end: int) -> tuple[int, int]:
        """The original characters a view range [start, end) was read from."""
        if self.starts is None:
            return start, end
        return self.starts[start], self.ends[end - 1]

    def to_original(self, spans: list[Span]) -> list[Span]:
        """Spans on the view as spans on the original characters, one for one (two spans that
        meet inside one original character, as in a ligature, overlap there: resolve settles
        overlaps)."""
        if self.starts is None:
            if self.rules is self.original or self.rules == self.original:
                return spans
            return [replace(s, text=self.original[s.start:s.end]) for s in spans]  # look-alikes only
        out = []
        for s in spans:
            start, end = self.original_range(s.start, s.end)
            out.append(replace(s, start=start, end=end, text=self.original[start:end]))
        return out


def _where(text: str, chars: set[str]) -> list[int]:
    """Every index of any of `chars` in `text` (str.find runs in C): only the characters a view
    changes are visited, since a text holds few distinct characters and most read as written."""
    found = []
    for c in chars:
        i = text.find(c)
        while i >= 0:
            found.append(i)
            i = text.find(c, i + 1)
    return sorted(found)


# An address typed letter by letter ("j o h n . d o e @ g m a i l . c o m"): one character, a
# space, again, ten times or more, with an "@" among them. The spaces go from the view, so the
# e-mail rule reads the address; a spaced run without "@" (a list, "a b c") is left as written.
LETTER_SPACED = re.compile(r"(?<!\S)\S(?: \S){9,}(?!\S)")


def _letter_spacing(text: str) -> dict[int, str]:
    """The spaces inside letter-spaced runs that hold an "@", as removals."""
    if "@" not in text and "＠" not in text:
        return {}
    return {m.start() + i: "" for m in LETTER_SPACED.finditer(text) if "@" in m.group() or "＠" in m.group()
            for i in range(1, len(m.group()), 2)}


# A number typed digit by digit after the word that says what it is ("SSN ... 5 2 1 - 4 4 - 9 0 1
# 2", "call 0 7 7 0 0 9 0 0 1 2 3"): seven or more single digits, one space (and maybe a dash)
# apart. The spaces go from the view, the dashes stay, so the SSN, phone and card rules read it;
# without such a word close before it, a spaced run (a list, a sudoku row) is left as written.
DIGIT_SPACED = re.compile(r"(?<![\w.,-])\d(?!\d)(?:(?: ?[-–] ?| )\d(?!\d)){6,}(?![\w.,]\d)")
NUMBER_CUE = re.compile(r"(?i)\b(?:ssn|s\s?s\s?n|social|security|phone|number|nmbr|num|no|id|account|acct|card|"
                        r"call|text|tel|mobile|cell|pin|routing|sort\s+code|iban|passport|licen[cs]e)\b|#")
NUMBER_CUE_REACH = 40


def _digit_spacing(text: str) -> dict[int, str]:
    """The spaces inside digit-spaced runs that follow a number's cue, as removals."""
    out: dict[int, str] = {}
    for m in DIGIT_SPACED.finditer(text):
        if NUMBER_CUE.search(text, max(0, m.start() - NUMBER_CUE_REACH), m.start()):
            out.update({m.start() + i: "" for i, c in enumerate(m.group()) if c == " "})
    return out


def read(text: str) -> View:
    """The view of `text` that the rules read (`rules`; `text` without the look-alike fold)."""
    spacing = _letter_spacing(text) | _digit_spacing(text)
    if text.isascii() and not spacing:
        return View(text, text, text)
    changing = {c for c in set(text) if c > "\x7f" and fold_char(c) != c}
    if not changing and not spacing:
        return View(text, text, _fold_lookalikes(text))
    view, starts, ends = _build(text, {i: fold_char(text[i]) for i in _where(text, changing)} | spacing)
    return View(text, view, _fold_lookalikes(view), starts, ends)


def _invisible(c: str) -> bool:
    return c > "\x7f" and fold_char(c) == ""


def read_names(text: str) -> View:
    """The lighter view the other layers read: invisible characters inside a word removed,
    Unicode digits as ASCII, everything else as written."""
    if text.isascii():
        return View(text, text, text)
    changing = {c for c in set(text) if c > "\x7f" and (_invisible(c) or unicodedata.decimal(c, None) is not None)}
    if not changing:
        return View(text, text, text)
    changes = {}
    for i in _where(text, changing):
        c = text[i]
        if not _invisible(c):
            changes[i] = str(unicodedata.decimal(c))
            continue
        before, after = i - 1, i + 1
        while before >= 0 and _invisible(text[before]):
            before -= 1
        while after < len(text) and _invisible(text[after]):
            after += 1
        if before >= 0 and after < len(text) and text[before].isalnum() and text[after].isalnum():
            changes[i] = ""
    if not changes:
        return View(text, text, text)
    view, starts, ends = _build(text, changes)
    return View(text, view, view, starts, ends)


def _build(text: str, changes: dict[int, str]) -> tuple[str, list[int], list[int]]:
    """`text` with the characters at the keys of `changes` replaced by their values, and for
    each character of the result the original characters it came from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for i in sorted(changes):
        if pos < i:  # a stretch that reads as written
            out.append(text[pos:i])
            starts.extend(range(pos, i))
            ends.extend(range(pos + 1, i + 1))
        folded = changes[i]
        out.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([i + 1] * len(folded))
        pos = i + 1
    if pos < len(text):
        out.append(text[pos:])
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    return "".join(out), starts, ends


def reads_as(text: str) -> str:
    """The view of a value: what it reads as, for comparing a stand-in with its real value."""
    return text if text.isascii() else read(text).text


# --- digit scripts -----------------------------------------------------------------------------
def digit_zero(c: str) -> str | None:
    """The zero of the digit script `c` belongs to ("０" for "４"), or None if `c` is no digit."""
    value = unicodedata.decimal(c, None)
    return None if value is None else chr(ord(c) - value)


def _full_width(c: str) -> bool:
    return "\uff01" <= c <= "\uff5e"


def written_like(value: str, like: str) -> str:
    """`value` (a stand-in made on the plain reading of `like`) written the way `like` is: in
    full-width forms if all of `like` is ("ｊｏｈｎ＠ｍａｉｌ．ｃｏｍ"), else with its ASCII digits
    in the digit scripts of `like`'s digits, position by position, the last script going on
    for any further digits ("４１１１ …" gives "５２３４ …", "+1 ４１５ …" gives "+1 ６２８ …")."""
    shown = [c for c in like if not c.isspace()]
    if shown and all(_full_width(c) for c in shown):
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)
    zeros = [digit_zero(c) for c in like if unicodedata.decimal(c, None) is not None]
    if not zeros or all(z == "0" for z in zeros):
        return value
    out, k = [], 0
    for c in value:
        if "0" <= c <= "9":
            zero = zeros[min(k, len(zeros) - 1)]
            out.append(chr(ord(zero) + ord(c) - 48))
            k += 1
        else:
            out.append(c)
    return "".join(out)
