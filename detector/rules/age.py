"""AGE rules: a person's age where the words say it is one ("34 years old", "a 7-year-old",
"aged 61", "at the age of 72", "turned 40", "when she was 64", "age: 34"). The number alone is
reported; its stand-in (detector/standins/age.py) stays in the same stage of life.

"A 55-year-old man with hypertension" after "for", "in", "to" or at the start of a question is
a textbook case, nobody in particular (asq-phi's PII-free questions are full of them): an age
after the indefinite article counts only when it is said of someone ("she is a 55-year-old",
"my dad, a 70-year-old").
"""
import re

from detector.categories import Category
from detector.rules.base import Pattern, Recognizer
from detector.span import Span

_N = r"(?P<value>\d{1,3})"
# "34 years old", "34-year-old", "34 yo", "34 y/o", "34yo", "34 yrs old"
YEARS_OLD = re.compile(rf"(?i)(?<![\w.,]){_N}(?:\s*|-)(?:years?|yrs?|y)(?:\s+|-)old(?!\w)")
YO = re.compile(rf"(?i)(?<![\w.,]){_N}\s?(?:y/o|yo)(?!\w)")
# "aged 61", "age 61", "age: 61", "at the age of 72", "turned 40", "when I was 64" (a bare "I'm 34"
# is left to the tagger: "I'm 34 minutes late")
CUED = re.compile(rf"(?i)(?<!\w)(?:aged?\s*[:=]?\s*|(?:at\s+)?the\s+age\s+of\s+|turn(?:ed|s|ing)\s+|"
                  rf"(?:when|since)\s+(?:i|he|she|they|we)\s+(?:was|were)\s+){_N}(?![\w.,]\d|\d|\s*%)")
# A bound of a range ("under 5 years old", "over 70"): nobody's age.
_RANGE = re.compile(r"(?i)(?:(?<!\w)(?:over|under|above|below|than|least|most|between|from|to|and|or)\s*|-\s*)\Z")
_RANGE_AFTER = re.compile(r"(?i)\s*(?:-|to|and|or)\s*\d")
# Someone in general: an indefinite article or a preposition before the age, maybe with an
# adjective or two ("for a 55-year-old", "in an obese 52-year-old", "for 34-year-old male
# patients")...
_GENERIC_BEFORE = re.compile(r"(?i)(?:(?<!\w)(?:for|in|to|with|of|on|among)\s+(?:an?\s+)?|(?<!\w)an?\s+)"
                             r"(?:[a-z-]+\s+){0,2}\Z")
# ...unless the age is said of someone: after a verb of being, "as" or a comma of apposition
# ("she is a 55-year-old", "I'm a 34-year-old", "my dad, a 70-year-old").
_SAID_OF = re.compile(r"(?i)(?:(?<!\w)(?:is|was|am|are|were|being|been|as)|['’][smre]+|,)\s+an?\s+"
                      r"(?:[a-z-]+\s+){0,2}\Z")
# A cued age ("age 68", "aged 34") of someone in general, named earlier in the clause: "for a
# male patient, age 68", "a patient with bipolar disorder aged 34".
PERSON_NOUNS = (r"(?:patient|man|woman|male|female|child|kid|adult|individual|person|boy|girl|infant|"
                r"adolescent|teen(?:ager)?|client|subject)")
_GENERIC_PERSON = re.compile(rf"(?i)(?<!\w)an?\s+(?:[a-z-]+\s+){{0,2}}{PERSON_NOUNS}\b[^.?!;:\n]*\Z")


class AgeRecognizer(Recognizer):
    category = Category.AGE
    PATTERNS = (
        Pattern("years_old", YEARS_OLD, score=0.6, triggers=("old",)),
        Pattern("yo", YO, score=0.5, triggers=("yo", "y/o")),
        Pattern("cued", CUED, score=0.6, triggers=("age", "turn", "was", "were")),
    )

    def judge(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        if not 0 < int(text[start:end]) < 125:
            return None
        before = text[max(0, start - 80):start]
        if _RANGE_AFTER.match(text, end) and pattern.name == "cued":
            return None  # "aged 18 to 45"
        if pattern.name == "cued":
            person = _GENERIC_PERSON.search(before)  # "a male patient, age 68", unless "she is a patient"
            generic = person is not None and not _SAID_OF.search(before[:person.start()] + "a ")
        else:
            generic = _RANGE.search(before) or (_GENERIC_BEFORE.search(before) and not _SAID_OF.search(before))
        if generic:
            return None  # "for a 55-year-old man", "children under 5 years old": nobody in particular
        return super().judge(text, start, end, pattern)
