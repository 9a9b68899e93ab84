"""PERSON: one fake persona per real person, built token by token.

Each name token maps on its own ("person-token:maria" -> "Elena"), so the full name, the first
name alone, "Ms. Gonzalez", "Maria's" and maria.gonzalez@... all stay one consistent persona.
Titles, particles, initials and possessives stay as written (the lists: detector/text.py).
"""
from __future__ import annotations

import re

from detector.standins import name_lists
from detector.standins.casing import fold
from detector.standins.part import Part
from detector.text import NAME_SUFFIXES, PARTICLES, TITLES, TITLES_FEMALE, TITLES_MALE


# A name token: letters, with inner apostrophes (O'Brien); hyphens split tokens (Mary-Jane).
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)

KEY = "person-token:"


def token_key(token: str) -> str:
    return KEY + fold(token)


def _tokens(surface: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _TOKEN.finditer(surface):
        start, end, tok = m.start(), m.end(), m.group()
        poss = _POSSESSIVE.search(tok)
        if poss and len(tok) > 2:
            end -= 2
            tok = tok[:-2]
        out.append((start, end, tok))
    return out


def _choose_locale(firsts: list[str], lasts: list[str], script: str) -> str:
    idx = name_lists.index()
    score: dict[str, int] = {}
    for t in firsts:
        for loc in {loc for loc, _ in idx.first.get(fold(t), set()) | idx.first.get(name_lists.plain(t), set())}:
            score[loc] = score.get(loc, 0) + 2  # first names tell more about origin
    for t in lasts:
        for loc in idx.last.get(fold(t), set()) | idx.last.get(name_lists.plain(t), set()):
            score[loc] = score.get(loc, 0) + 1
    if not score:
        return name_lists.SCRIPT_LOCALE.get(script, "en_US")
    best = max(score.values())
    tied = [loc for loc in name_lists.LOCALES if score.get(loc) == best]
    if best >= 3:
        # A full name found together in a non-English list is more telling than the broad
        # English lists, which hold names of every origin.
        tied.sort(key=lambda loc: loc in name_lists.ENGLISH)
    return tied[0]


def _gender(token: str | None, locale: str, title: str | None) -> str | None:
    if title in TITLES_FEMALE:
        return "f"
    if title in TITLES_MALE:
        return "m"
    if token is None:
        return None
    idx = name_lists.index()
    entries = idx.first.get(fold(token), set()) | idx.first.get(name_lists.plain(token), set())
    here = {g for loc, g in entries if loc == locale and g in "fm"}
    if len(here) == 1:
        return here.pop()
    # Listed as both here (Spanish "José María"): go by how most locales list it.
    female = sum(1 for _, g in entries if g == "f")
    male = sum(1 for _, g in entries if g == "m")
    return "f" if female > male else "m" if male > female else None


def _first_maker(locale: str, gender: str | None):
    pool = name_lists.first_names(locale, gender)
    return lambda rng, attempt: rng.choice(pool)


def _last_maker(locale: str):
    pool = name_lists.surnames(locale)
    return lambda rng, attempt: rng.choice(pool)


def _whole_name_maker(locale: str):
    firsts, lasts = name_lists.first_names(locale, None), name_lists.surnames(locale)
    if locale in ("zh_CN", "ja_JP", "ko_KR"):
        return lambda rng, attempt: rng.choice(lasts) + rng.choice(firsts)
    return lambda rng, attempt: f"{rng.choice(firsts)} {rng.choice(lasts)}"


def single_token_part(token: str, start: int = 0) -> Part:
    """A part for a lone token (first name if the lists know it as one, else surname)."""
    idx = name_lists.index()
    key = fold(token)
    script = name_lists.script_of(token)
    if key in idx.first or key not in idx.last:
        locale = _choose_locale([token], [], script)
        make = _first_maker(locale, _gender(token, locale, None))
    else:
        make = _last_maker(_choose_locale([], [token], script))
    return Part(start, start + len(token), token_key(token), "PERSON", make, word_like=True)


def parts(surface: str, session) -> list[Part]:
    tokens = _tokens(surface)
    title = None
    names: list[tuple[int, int, str]] = []
    for start, end, tok in tokens:
        low = fold(tok)
        if not names and low in TITLES and (len(tokens) > 1):
            title = low
            continue
        if names and low in NAME_SUFFIXES and (start, end, tok) == tokens[-1]:
            continue
        if len(tok) == 1 or (low in PARTICLES and len(tokens) > 1 and tok.islower()):
            continue  # initials and lower-case particles identify no one on their own
        names.append((start, end, tok))
    if not names:
        return []
    script = name_lists.script_of(names[0][2])
    if len(names) == 1:
        start, end, tok = names[0]
        if script in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL") and len(tok) > 1:
            locale = name_lists.SCRIPT_LOCALE[script]
            return [Part(start, end, token_key(tok), "PERSON", _whole_name_maker(locale))]
        if title is not None:  # "Ms. Gonzalez": a title points at a surname
            locale = _choose_locale([], [tok], script)
            return [Part(start, end, token_key(tok), "PERSON", _last_maker(locale), word_like=True)]
        return [single_token_part(tok, start)]
    comma = surface.find(",")
    roles = []
    for i, (start, end, tok) in enumerate(names):
        if comma >= 0:  # "Gonzalez, Maria"
            role = "last" if start < comma else "first"
        elif i == 0:
            role = "first"
        elif i == len(names) - 1:
            role = "last"
        else:
            role = "first" if fold(tok) in name_lists.index().first else "last"
        roles.append(role)
    firsts = [t for (_, _, t), r in zip(names, roles) if r == "first"]
    lasts = [t for (_, _, t), r in zip(names, roles) if r == "last"]
    locale = _choose_locale(firsts, lasts, script)
    out = []
    for (start, end, tok), role in zip(names, roles):
        if role == "first":
            make = _first_maker(locale, _gender(tok, locale, title))
        else:
            make = _last_maker(locale)
        out.append(Part(start, end, token_key(tok), "PERSON", make, word_like=True))
    return out
