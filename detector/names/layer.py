"""Names that spaCy's small model misses: lower-case chat names ("my friend sara", "my name is
amer") and capitalised words no dictionary knows (detector/names/proper.py).

Lower-case names come in two ways: a context cue (my name is / call me / my wife / Mr / hi ...)
before the word, or a lower-case word that is a known first name (Faker's lexicons) and not an
ordinary English word, in text that reads as English. Layer.NAMES ranks as NER; a cue outweighs
spaCy's label for the same words (score 0.8 against 0.7).
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from detector.categories import Category
from detector.names.lexicon import (
    common_words, english_words, first_names, is_english_word, last_names, text_language,
)
from detector.names.proper import TOKEN, ProperNounFinder
from detector.span import Layer, Span
from detector.text import CUE_TITLES, RELATION_CUE

_WORD = TOKEN.pattern  # a name-like word, as the proper-noun finder reads one
WORD = re.compile(_WORD)
# Cue kinds: "naming" and "strong" cues name the person whatever the word is; the others need a
# lexicon name.
CUES = {
    # Someone's name said as one: "my name is", "the kid's name is lily-mae", "his name's tomasz".
    "naming": r"(?:my|his|her|their|your|our|\w+['’]s)\s+name\s+is|(?:my|his|her|their)\s+name['’]s",
    "strong": r"name\s*:|i\s+am\s+called|they\s+call\s+me|call\s+me|i\s+go\s+by|this\s+is",
    "title": "|".join(sorted(CUE_TITLES)),
    "relation": RELATION_CUE,
    "greeting": r"hi|hello|hey|dear|thanks|thank\s+you|hiya|yo|greetings|regards,?|cheers,?|love,?|best,?",
    "intro": r"i'?m|i\s+am|named|called",
}
CUE = re.compile(
    r"(?<!\w)(?:" + "|".join(f"(?P<{kind}>{regex})" for kind, regex in CUES.items()) + r")\.?[ \t]+(?P<name>" + _WORD + ")",
    re.IGNORECASE,
)
NAMING_CUE_SOURCE = "cue:naming"  # the precision stage takes such a name as someone's
CODE_NEIGHBOURS = set("._@/\\=<>[]{}()#$%&*+|`:")
ENGLISH_SHARE = 0.2  # share of stop words that makes a text read as English


class NamesLayer:
    """Lower-case names by cue and lexicon, plus unknown capitalised words (ProperNounFinder)."""

    name = Layer.NAMES

    def __init__(self, proper_nouns: ProperNounFinder | None = None):
        self.proper_nouns = proper_nouns if proper_nouns is not None else ProperNounFinder()

    def warm(self) -> None:
        first_names(), last_names(), common_words(), english_words(), text_language([])

    def find(self, text: str) -> list[Span]:
        return self.lower_case_names(text) + self.proper_nouns.find(text)

    def lower_case_names(self, text: str) -> list[Span]:
        firsts, common = first_names(), common_words()
        spans: dict[int, Span] = {}
        pos = 0
        while (match := CUE.search(text, pos)) is not None:
            pos = match.end()
            if match.group("name").lower() in CUE_TITLES:
                pos = match.start("name")  # "my therapist dr. nguyen": the title is the cue
                continue
            kind = next(k for k in CUES if match.group(k) is not None)
            start, end = match.span("name")
            if self._accept(text, start, end, kind, firsts, common):
                spans[start] = self._person(text, start, self._extend(text, end, kind, common), 0.8,
                                            f"cue:{kind}")
        if self._reads_english(text):
            for match in WORD.finditer(text):
                word = match.group()
                if (match.start() not in spans and word.islower() and word in firsts
                        and word not in common and len(word) > 2 and not self._in_code(text, *match.span())):
                    end = self._extend(text, match.end(), "bare", common)
                    spans[match.start()] = self._person(text, match.start(), end, 0.5,
                                                        "lexicon:first-names")
        return list(spans.values())

    @staticmethod
    def _accept(text: str, start: int, end: int, kind: str, firsts, common) -> bool:
        word = text[start:end]
        lower = word.lower()
        if lower in STOP_WORDS or NamesLayer._in_code(text, start, end):
            return False
        if kind in ("naming", "strong", "title"):
            return (word[0].isupper() or lower in firsts or lower in last_names()
                    or not is_english_word(lower))
        if kind == "intro" and not word.islower():
            return False  # "I'm Sara": capitalised names are spaCy's and the proper-noun finder's job
        if lower not in firsts:
            return False
        # "hi mark," / "dear grace\n": a common word used as a name, told by the vocative comma
        vocative = kind == "greeting" and text[end:end + 1] in (",", "\n", "!")
        return lower not in common or word[0].isupper() or vocative

    @staticmethod
    def _extend(text: str, end: int, kind: str, common) -> int:
        """Take a following surname ("amer khan") when it is a known name, not a common word."""
        match = WORD.match(text, end + 1) if text[end:end + 1] == " " else None
        if match is None:
            return end
        word = match.group()
        lower = word.lower()
        known = lower in last_names() or lower in first_names()
        if not known or lower in STOP_WORDS:
            return end
        if lower in common and not (word[0].isupper() or kind in ("naming", "strong", "title")):
            return end
        return match.end()

    @staticmethod
    def _person(text: str, start: int, end: int, score: float, source: str) -> Span:
        return Span(start, end, text[start:end], Category.PERSON, Layer.NAMES, score, source=source)

    @staticmethod
    def _in_code(text: str, start: int, end: int) -> bool:
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        return before in CODE_NEIGHBOURS or (after in CODE_NEIGHBOURS and after not in ".:")

    @staticmethod
    def _reads_english(text: str) -> bool:
        words = WORD.findall(text[:2000].lower())
        return bool(words) and sum(w in STOP_WORDS for w in words) >= ENGLISH_SHARE * len(words)
