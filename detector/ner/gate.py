"""Where spaCy's NER needs to look: the stretches of a text that can hold an entity it keeps.

spaCy's cost grows with every token it reads (tok2vec, then the transition parser: 18.5 ms of
CPU for a 243-token text here), but what the NER layer keeps (detector/ner/layer.py) holds one of:
- a capitalised word that is not a sentence word: an acronym ("US", "NHS"), or a word that is
  not a stop word ("The", "I") and not an ordinary English word at the start of a sentence
  ("Write", "Background") unless it is also a name ("Mark", "Japan": a first or last name, or
  a capitalised entry in Webster's list);
- a lower-case word no English dictionary knows ("doha", "zhang", "alamjaad"; foreign and
  non-Latin text too), since spaCy finds some lower-case places and names;
- a day with a month ("3 March", "12/03/1990"): the only dates the layer keeps.
Each such word opens a window of MARGIN_WORDS words either side (spaCy's tok2vec sees 4 tokens
either side); windows fewer than MERGE_GAP_WORDS words apart join. Cuts fall at whitespace,
where spaCy's tokenizer splits anyway, so tokens and offsets inside a window are those of the
whole text. Measured on 751 texts (200 each of PUPA, synth, asq-phi, all 151 of SPIA): of the
2,195 spans the layer kept from whole texts, 2,169 came out the same, 26 were lost (mostly
noise: "mosquito", "denim shorts", "• Encountered"; a real one: "Aly" after "Background:")
and 11 new ones appeared; spaCy read 57 % of the characters of the 200-word benchmark prompts
and took 13.5 ms instead of 19.3 (median). With margin 1, 106 were lost; margin 3 lost 23 but
read 65 %.
"""
from __future__ import annotations

import bisect
import re

from spacy.lang.en.stop_words import STOP_WORDS

from detector.names.lexicon import capitalised_words, first_names, is_english_word, last_names
from detector.names.proper import SENTENCE_END

MARGIN_WORDS = 2
MERGE_GAP_WORDS = 4
# Text written in lower case ("i moved from new york to paris"): fewer than 1 word in 20 holds a
# capital (English prose has ~7 % from sentence starts alone; the 200-word benchmark prompts
# 5.5-30 %). There spaCy tells "paris" the city from context no word test sees, so the whole
# text goes to it, as before the gate. 43 of PUPA's 462 distinct prompts read this way.
LOWER_CASE_SHARE = 0.05
WORD = re.compile(r"\S+")
LETTERS = re.compile(r"[^\W\d_]+")


def entity_windows(text: str, full_date: re.Pattern[str], margin: int = MARGIN_WORDS,
                   merge_gap: int = MERGE_GAP_WORDS) -> list[tuple[int, int]]:
    """(start, end) character ranges of `text`, in order and disjoint, each cut at whitespace,
    that together hold every word that may start or end a kept entity, with context around."""
    # Plain int lists, not (start, end) tuples: a 1 MB text has ~150k words, and that many
    # tuples made the garbage collector's passes, hence the gate, grow faster than the text.
    starts: list[int] = []
    ends: list[int] = []
    flagged: list[int] = []
    capitalised = 0
    for match in WORD.finditer(text):
        start, end = match.span()
        if _may_name(text, start, end):
            flagged.append(len(starts))
        capitalised += match.group() != match.group().lower()
        starts.append(start)
        ends.append(end)
    if starts and capitalised < LOWER_CASE_SHARE * len(starts):
        return [(starts[0], ends[-1])]
    for date in full_date.finditer(text):
        first = bisect.bisect_right(starts, date.start()) - 1
        last = bisect.bisect_left(starts, date.end()) - 1
        flagged.extend(range(max(first, 0), last + 1))
    windows: list[tuple[int, int]] = []
    low = high = -1
    for i in sorted(set(flagged)):
        if high >= 0 and i - margin <= high + 1 + merge_gap:
            high = min(len(starts) - 1, i + margin)
            continue
        if high >= 0:
            windows.append((starts[low], ends[high]))
        low, high = max(0, i - margin), min(len(starts) - 1, i + margin)
    if high >= 0:
        windows.append((starts[low], ends[high]))
    return windows


def _may_name(text: str, start: int, end: int) -> bool:
    for letters in LETTERS.findall(text, start, end):
        lower = letters.lower()
        if letters != lower:
            if len(letters) >= 2 and letters.isupper():
                return True  # "US", "WHO", "NHS": acronyms, even those spelt like stop words
            if lower in STOP_WORDS:
                continue
            if _sentence_word(lower) and SENTENCE_END.search(text, max(0, start - 4), start):
                continue
            return True
        if len(letters) >= 2 and not is_english_word(lower):
            return True
    return False


def _sentence_word(lower: str) -> bool:
    """An ordinary word that starts sentences ("Write", "Background"), as opposed to one that
    is also a name ("Mark", "Japan", "Kuba": a first or last name or a capitalised entry in
    Webster's list)."""
    return (is_english_word(lower) and lower not in capitalised_words() and lower not in first_names()
            and lower not in last_names())
