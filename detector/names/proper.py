"""Capitalised words that no dictionary knows: the proper nouns spaCy's small model misses.

"Ravikrishnan", "Optum", "Piedmonte", "Napco National Company": a capitalised word that is not
an English word (Webster's list) is almost always a name of someone or something. Runs of such
words, joined by spaces or name particles ("of", "de", "van"), become one span: PERSON when it
starts with a known first name or ends with a known surname, ORG otherwise. Sentence-initial
words and words glued to code punctuation are skipped.
"""
from __future__ import annotations

import functools
import re

from spacy.lang.en.stop_words import STOP_WORDS

from detector.categories import Category
from detector.names.lexicon import (
    LABEL_WORDS, first_names, frequent_words, is_english_word, last_names, names_an_eponym,
    text_language,
)
from detector.span import Layer, Span
from detector.text import CUE_TITLES, JOINING_PARTICLES, RELATION_CUE

TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
PARTICLES = JOINING_PARTICLES
CODE_NEIGHBOURS = set("._@/\\=<>[]{}()#$%&*+|`:~^")
SENTENCE_END = re.compile(r"(?:^|[.!?:;\n\"“”'‘’(\[•*#>-])\s*$")
ORG_WORDS = frozenset("""
company inc ltd llc limited corp corporation group bank university college school hospital
clinic institute foundation agency association club department council services solutions
technologies systems holdings partners
""".split())


# A relation of the writer's or a title right before the words: they name a person.
PERSON_BEFORE = re.compile(r"(?i)(?<!\w)(?:" + RELATION_CUE + "|" + "|".join(sorted(CUE_TITLES)) + r")\.?[ \t]+$")


class ProperNounFinder:
    """Finds runs of capitalised non-dictionary words."""

    # Acronyms of 4 letters or fewer ("DVT", "GERD", "KSA") were private 13 % of the time on PUPA
    # and most of asq-phi's false alarms: only longer all-caps words count ("IPAEP").
    def __init__(self, skip_sentence_start: bool = True, min_caps_length: int = 5):
        self.skip_sentence_start = skip_sentence_start
        self.min_caps_length = min_caps_length

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        run: list[re.Match] = []
        matches = list(TOKEN.finditer(text))
        language = functools.cache(lambda: text_language([m.group().lower() for m in matches]))
        for match in matches:
            if run and self._continues(text, run[-1], match):
                if self._capitalised(match.group()) or match.group() in PARTICLES:
                    run.append(match)
                    continue
            self._close(text, run, spans, language)
            run = [match] if self._capitalised(match.group()) and not self._in_code(text, match) else []
        self._close(text, run, spans, language)
        return spans

    def _close(self, text: str, run: list[re.Match], spans: list[Span], language) -> None:
        while run and (run[-1].group() in PARTICLES):
            run.pop()
        # Leading stop words and contractions ("The", "In", "I'm") are sentence words.
        while run and (run[0].group().lower() in STOP_WORDS or self._contraction(run[0].group())):
            run.pop(0)
        if not run or self._in_code(text, run[-1]):
            return
        tokens = [m.group() for m in run if m.group() not in PARTICLES]
        unknown = [t for t in tokens if not self._dictionary_word(t)]
        if not unknown:
            return
        # One word alone that the text's language uses every day ("Votre", "Niveau"); a run of
        # title-case words is a name even when each is a word ("Solid Rock Healthcare Services").
        if len(tokens) == 1 and self._lower(tokens[0]) in frequent_words(language()):
            return
        start, end = run[0].start(), run[-1].end()
        if self.skip_sentence_start and len(tokens) == 1 and SENTENCE_END.search(text, max(0, start - 4), start):
            return
        if all(t.isupper() for t in unknown) and max(len(t) for t in unknown) < self.min_caps_length:
            return
        if names_an_eponym(text, start, end):
            return
        category = self._category(tokens)
        if category is Category.ORG and not ORG_WORDS.intersection(t.lower() for t in tokens) \
                and PERSON_BEFORE.search(text, max(0, start - 48), start):
            category = Category.PERSON  # "my boss Kenji Watanabe-Smith", "Dr. Okonkwo-Reyes"
        spans.append(Span(start, end, text[start:end], category, Layer.NAMES, 0.3,
                          source="unknown-capitalised-word"))

    @staticmethod
    def _category(tokens: list[str]) -> Category:
        lower = [t.lower() for t in tokens]
        if any(t in ORG_WORDS for t in lower):
            return Category.ORG
        if lower[0] in first_names() or any(part in last_names() for part in lower[-1].split("-")):
            return Category.PERSON  # "Watanabe-Smith": a double surname holds a known one
        return Category.ORG

    @staticmethod
    def _dictionary_word(token: str) -> bool:
        lower = ProperNounFinder._lower(token)
        return is_english_word(lower) or lower in LABEL_WORDS or ProperNounFinder._contraction(lower)

    @staticmethod
    def _lower(token: str) -> str:
        return token.lower().replace("’", "'").removesuffix("'s")

    @staticmethod
    def _contraction(token: str) -> bool:
        """"I'm", "We'll", "Don't" are words; "D'Amico", "O'Brien" are names."""
        head, apostrophe, _ = token.lower().replace("’", "'").partition("'")
        return bool(apostrophe) and (head in STOP_WORDS or (len(head) > 1 and is_english_word(head)))

    @staticmethod
    def _capitalised(token: str) -> bool:
        return token[0].isupper()

    @staticmethod
    def _continues(text: str, previous: re.Match, current: re.Match) -> bool:
        return text[previous.end():current.start()] in (" ", "\t")

    @staticmethod
    def _in_code(text: str, match: re.Match) -> bool:
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        return before in CODE_NEIGHBOURS or (after in CODE_NEIGHBOURS and after not in ".:")
