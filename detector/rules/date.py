"""DATE rules: a full date, a day together with its month ("3 March", "March 3rd, 1990",
"12/03/1990", "1990-03-12", "1971-09-07 22:49:16"), is a quasi-identifier wherever it stands
(a birthday, an admission, a hearing). Weekdays, durations and "today" are not reported, nor a
bare year or month in general: they fill questions about history and textbook cases ("diagnosed
in 2021" in a made-up vignette; the asq-phi lesson in docs/architecture.md#detection). A year
(or month and year, or a range of years) is reported where it dates someone's life: after "born",
or after "in / since / until / from / during" in a sentence told in the first person or about a
party to a case ("I moved to Leeds in 2015", "in 1998 the applicant's brother was dismissed":
court decisions are full of them, and with the place and the job they single a person out).

A numeric date must be a real calendar day read day-first, month-first or year-first; versions
("v2.10.12", "Python 3.12.1") and dotted numbers inside longer runs are not dates.
Their stand-ins: detector/standins/date.py (one offset per conversation, the format kept).
"""
import datetime as dt
import re

from detector.categories import Category
from detector.rules.age import PERSON_NOUNS
from detector.rules.base import Pattern, Recognizer, sentence_end, sentence_start

MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?:19|20)\d{2})?"
# "3 March 1990", "3rd of March", "March 3", "March 3rd, 1990" (a day with its month).
NAMED = re.compile(rf"(?i)(?<![\w.])(?:{DAY}\s+(?:of\s+)?{MONTH}{_YEAR}|{MONTH}\s+{DAY}{_YEAR})(?![\w])")
# "12/03/1990", "3.12.90", "1990-03-12", with a time of day if one follows ("1990-03-12 08:15",
# "...T08:15:00Z", "2023-10-09 07:20 PM", "2023-10-05 10:22 IST": one timestamp; its stand-in
# keeps the time): not inside a longer dotted or dashed run, not after "v".
NUMERIC = re.compile(r"(?<![\w.:/-])(?P<date>(?P<a>\d{1,2}|\d{4})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{4}|\d{2}))"
                     r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|\s?(?i:[ap]\.?m\.?)(?!\w))?"
                     r"(?:\s(?:IST|[A-Z]{1,3}[SD]T|UTC|GMT|CET|CEST))?)?(?![\w]|[.:/-]\d)")
_YEAR4 = r"(?:19|20)\d{2}"
PERSONAL_YEAR = re.compile(
    rf"(?i)(?<![\w-])(?:(?P<born>born)\s+(?:in\s+)?|(?:back\s+)?(?:in|since|until|till|from|during)\s+"
    rf"(?:(?:early|mid|late)[- ]|the\s+(?:spring|summer|autumn|fall|winter|end|beginning|start)\s+of\s+|"
    rf"(?:spring|summer|autumn|fall|winter)\s+(?:of\s+)?)?)"
    rf"(?P<value>(?:{MONTH}\s+)?{_YEAR4}(?:\s*(?:-|–|to|until|and)\s*{_YEAR4})?)(?![\w/]|[.,:-]\d)")
# Whose life the sentence tells: the writer's ("I", "my", "we"; "us" in lower case, not "US") or
# a party's to a case.
ABOUT_SOMEONE = re.compile(
    r"(?i:(?<![\w'’-])(?:i|me|my|mine|myself|we|our|ours)(?![\w-]))|(?<![\w'’-])us(?![\w-])|"
    r"(?i:\b(?:applicant|claimant|plaintiff|defendant|accused|appellant|petitioner|complainant|"
    r"victim|deceased)s?\b)")
# ...and not a year of a publication or a public event the writer asks about ("news from April
# 2023", "the guidelines from 2022", "what happened in 1989").
_PUBLIC_BEFORE = re.compile(
    r"(?i)\b(?:news|trends|data|reports?|guidelines?|stud(?:y|ies)|papers?|articles?|published|released|"
    r"updates?|versions?|editions?|census|statistics|figures|results|events|history|happened|launched|stories|place|"
    r"founded|established|introduced|enacted|passed|elections?|season|championship|olympics|cup)"
    r"\s+(?:back\s+)?(?:in|since|until|till|from|during)\s+(?:the\s+)?\S*\s*\Z")
# A clinician's "how should I treat a 50-year-old male ... diagnosed in 2015": the sentence says
# "I", the year is the textbook patient's (asq-phi's PII-free questions).
_SOMEONE_IN_GENERAL = re.compile(rf"(?i)(?<!\w)(?:(?:an?|for|in|with)\s+(?:[\w-]+\s+){{0,3}}{PERSON_NOUNS}s?|patients)\b")
REACH_BEFORE, REACH_AFTER = 80, 40

# "version 3.12.10", "Python 3.11.2", "v1.2.3": a version, not a day.
VERSION_BEFORE = re.compile(r"(?i)(?:version|release|build|ver|python|node|java|ios|android|macos|"
                            r"windows|kernel|firmware|api)\s*\Z")


def _real_day(a: int, b: int, c: int, year_first: bool) -> bool:
    def ok(year: int, month: int, day: int) -> bool:
        try:
            dt.date(year if year >= 100 else 2000 + year, month, day)
            return True
        except ValueError:
            return False
    if year_first:
        return ok(a, b, c)
    return ok(c, b, a) or ok(c, a, b)  # day-first or month-first


class DateRecognizer(Recognizer):
    category = Category.DATE
    PATTERNS = (
        Pattern("named", NAMED, score=0.5),
        Pattern("numeric", NUMERIC, score=0.5),
        Pattern("personal_year", PERSONAL_YEAR, score=0.45, triggers=("19", "20")),
    )

    def judge(self, text: str, start: int, end: int, pattern: Pattern):
        if pattern.name == "personal_year" and not _dates_a_life(text, start, end):
            return None
        return super().judge(text, start, end, pattern)

    def find(self, text: str, regions=None):
        return [s for s in super().find(text, regions) if _not_a_version(text, s.start)
                and not (s.text[:3].lower() == "may" and s.text[0] == "m" and not re.search(r"\d{4}", s.text))]

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        if pattern.name != "numeric":
            return None
        m = NUMERIC.fullmatch(value)
        a, b, c = int(m["a"]), int(m["b"]), int(m["c"])
        return _real_day(a, b, c, year_first=len(m["a"]) == 4)

    # A failed calendar check is never rescued: "13/13/2020" is no day in any context.
    context_rescues = False


def _not_a_version(text: str, start: int) -> bool:
    return not (start > 0 and text[start - 1] in "vV") and not VERSION_BEFORE.search(text, max(0, start - 12), start)


def _dates_a_life(text: str, start: int, end: int) -> bool:
    """A year after "born", or one in a sentence that tells the writer's or a party's life."""
    if re.search(r"(?i)\bborn\s+(?:in\s+)?\Z", text[max(0, start - 12):start]):
        return True
    if _PUBLIC_BEFORE.search(text, max(0, start - 48), start):
        return False
    # The clause around the year: its sentence, at most ~12 words before and ~6 after (a long
    # article's "we" is its author's, not the subject of a date 30 words on).
    clause = text[sentence_start(text, start, REACH_BEFORE):sentence_end(text, end, REACH_AFTER)]
    return ABOUT_SOMEONE.search(clause) is not None and _SOMEONE_IN_GENERAL.search(clause) is None
