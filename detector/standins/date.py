"""DATE: every date in a conversation moves by ONE offset of whole weeks (so weekdays stay true)
and is written back in its own format ("March 3, 1985", "03/15/1985", "1985-03-15",
"15.03.1985", "3rd of March"). The offset is read back from the conversation's first date
mapping, so it survives a scope being renamed; otherwise it comes from sha256(scope)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from detector.standins.casing import apply_case_class, case_class, fold
from detector.standins.part import Part
from detector.standins.seed import rng_for

MONTH_NAMES = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "en_abbr": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
}
_MONTHS: dict[str, tuple[int, str]] = {"sept": (9, "en_abbr")}
for _style, _names in MONTH_NAMES.items():
    for _i, _n in enumerate(_names, 1):
        _MONTHS.setdefault(fold(_n), (_i, _style))
WEEKDAYS = frozenset(fold(d) for d in (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi "
    "mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes sábado domingo"
).split())
CONNECTORS = frozenset({"of", "the", "de", "del", "du", "le", "im", "am", "on"})

_NUMERIC = re.compile(r"(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})")
_TOKEN = re.compile(r"(?P<apos>['’]\d{2})|(?P<num>\d+)(?P<ord>st|nd|rd|th|ST|ND|RD|TH|\.)?|(?P<word>[^\W\d_]+)")


@dataclass
class Parsed:
    date: dt.date
    has_year: bool
    has_day: bool
    render: object  # (new date) -> str


def _ordinal(n: int, like: str) -> str:
    if like == ".":
        return "."
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return suffix.upper() if like.isupper() else suffix


def _year_text(year: int, width: int) -> str:
    return f"{year % 100:02d}" if width == 2 else f"{year:04d}"


def _full_year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        return 2000 + y if y <= 30 else 1900 + y
    return y


def _parse_numeric(text: str) -> Parsed | None:
    m = _NUMERIC.fullmatch(text)
    if not m:
        return None
    a, sep, b, c = m.groups()
    if len(a) == 4:
        order = "ymd"
    elif len(c) in (2, 4) and sep == ".":
        order = "dmy"
    elif len(c) in (2, 4) and int(a) > 12:
        order = "dmy"
    elif len(c) in (2, 4):
        order = "mdy"
    else:
        return None
    fields = dict(zip(order, (a, b, c)))
    try:
        date = dt.date(_full_year(fields["y"]), int(fields["m"]), int(fields["d"]))
    except ValueError:
        return None

    def render(new: dt.date) -> str:
        vals = {"y": _year_text(new.year, len(fields["y"])),
                "m": f"{new.month:0{len(fields['m'])}d}", "d": f"{new.day:0{len(fields['d'])}d}"}
        return sep.join(vals[k] for k in order)

    return Parsed(date, True, True, render)


def _parse_words(text: str) -> Parsed | None:
    day = month = year = None
    for m in _TOKEN.finditer(text):
        if m.group("word"):
            w = fold(m.group("word"))
            if w in _MONTHS and month is None:
                month = (m.start("word"), m.end("word"), *_MONTHS[w])
            elif w not in WEEKDAYS and w not in CONNECTORS:
                return None
        elif m.group("apos"):
            year = (m.start() + 1, m.end(), _full_year(m.group()[1:]), 2)
        else:
            digits = m.group("num")
            if len(digits) == 4 and year is None:
                year = (m.start("num"), m.end("num"), int(digits), 4)
            elif len(digits) <= 2 and day is None and int(digits) >= 1:
                day = (m.start("num"), m.end("num"), int(digits), len(digits), m.group("ord") or "",
                       m.end())
            else:
                return None
    if month is None or (day is None and year is None):
        return None
    try:
        date = dt.date(year[2] if year else 2000, month[2], day[2] if day else 15)
    except ValueError:
        return None

    def render(new: dt.date) -> str:
        edits = []
        if day:
            start, end, _, width, ord_text, ord_end = day
            pad = width == 2 and text[start] == "0"
            edits.append((start, ord_end, (f"{new.day:02d}" if pad else str(new.day))
                          + (_ordinal(new.day, ord_text) if ord_text else "")))
        start, end, _, style = month
        name = MONTH_NAMES[style][new.month - 1]
        edits.append((start, end, apply_case_class(case_class(text[start:end]), name)))
        if year:
            start, end, _, width = year
            edits.append((start, end, _year_text(new.year, width)))
        out = text
        for start, end, new_text in sorted(edits, reverse=True):
            out = out[:start] + new_text + out[end:]
        return out

    return Parsed(date, year is not None, day is not None, render)


def parse(text: str) -> Parsed | None:
    return _parse_numeric(text.strip()) if _NUMERIC.fullmatch(text.strip()) else _parse_words(text)


def conversation_offset(session) -> int:
    """The conversation's date offset in days (a non-zero multiple of 7)."""
    def compute() -> int:
        for m in session.mappings():
            if m.category != "DATE":
                continue
            a, b = parse(m.real), parse(m.standin)
            if a and b and a.has_year and b.has_year and a.has_day and b.has_day:
                delta = (b.date - a.date).days
                if delta and delta % 7 == 0:
                    # Undo the whole-year moves a collision may have added (offsets are < 26 weeks).
                    return (delta + 182) % 364 - 182 or delta
        rng = rng_for(session.scope, "date-offset")
        return rng.choice((-1, 1)) * rng.randint(3, 26) * 7

    return session.memo("date-offset", compute)


# A time of day after a date ("1971-09-07 22:49:16", "March 3, 9:15 pm"): it stays as written (a
# time alone singles no one out), and a changed hour could be no hour ("27:27"). An ISO "T" time
# is one word with its date: the fallback below keeps its clock.
TIME_AFTER = re.compile(r"(?:\s+|,\s*|\s+at\s+)\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
                        r"(?:\s?[ap]\.?m\.?|\s?Z|[+-]\d{2}:?\d{2})?\Z", re.IGNORECASE)


def _fallback(text: str, rng) -> str:
    """Unparsed date text: years move by a little, day/month numbers change, words and clock
    times stay."""
    def repl(m):
        if m.group("clock"):
            return m.group()
        digits = m.group()
        if len(digits) == 4:
            return str(int(digits) + rng.choice((-2, -1, 1, 2)))
        top = 12 if int(digits) <= 12 else 28  # a month stays a possible month
        return f"{rng.randint(1, top):0{len(digits)}d}"
    return re.sub(r"(?P<clock>\d+(?::\d+)+)|\d+", repl, text)


# A year, or a range of years, said alone ("born in 1962", "from 2016 to 2019").
YEARS_ONLY = re.compile(r"(?:19|20)\d{2}(?:\s*(?:-|–|to|until|and)\s*(?:19|20)\d{2})?")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def conversation_year_shift(session) -> int:
    """Whole years every bare year of a conversation moves by (1-3, either way), so the spans
    between them hold ("born in 1962 ... arrested in 1996": 34 years either way). Read back from
    the conversation's first year mapping where there is one, like the day offset."""
    def compute() -> int:
        for m in session.mappings():
            if m.category == "DATE" and YEARS_ONLY.fullmatch(m.real) and YEARS_ONLY.fullmatch(m.standin):
                delta = int(m.standin[:4]) - int(m.real[:4])
                if delta:
                    return delta
        rng = rng_for(session.scope, "year-shift")
        return rng.choice((-1, 1)) * rng.randint(1, 3)

    return session.memo("year-shift", compute)


def make_date(surface: str, session):
    parsed = parse(surface)

    def make(rng, attempt):
        if YEARS_ONLY.fullmatch(surface):
            shift = conversation_year_shift(session)
            shift += attempt * (1 if shift > 0 else -1)  # a collision: a year further the same way
            return _YEAR.sub(lambda m: str(int(m.group()) + shift), surface)
        if parsed is None:
            return _fallback(surface, rng)
        # A collision moves this date by whole years of weeks more: weekdays still hold.
        days = conversation_offset(session) + attempt * 52 * 7
        try:
            return parsed.render(parsed.date + dt.timedelta(days=days))
        except OverflowError:
            return parsed.render(parsed.date - dt.timedelta(days=abs(days)))

    return make


def parts(surface: str, session) -> list[Part]:
    # Quotes or brackets a detector took along ("2021-01-01'") are not part of the date.
    m = re.search(r"\w(?:.*\w)?", surface, re.DOTALL)
    if not m:
        return []
    core, end = m.group(), m.end()
    time = TIME_AFTER.search(core)
    if time and time.start() > 0:
        core, end = core[:time.start()], m.start() + time.start()
    return [Part(m.start(), end, "date:" + fold(core), "DATE", make_date(core, session))]
