"""AGE: another age close to the real one and in the same stage of life, written the same way.

"34" -> "36", "34 years old" -> "31 years old", "7-year-old" -> "8-year-old", "thirty-four"
-> "thirty-one": only the number changes, by 1 to 3 years, never across a life-stage line (a
child stays a child, a teenager a teenager, a pensioner a pensioner), so advice that depends on
age stays right. The number is its own part ("age:34"): a reply that repeats it bare restores.
"""
from __future__ import annotations

import re

from detector.standins.casing import fold
from detector.standins.part import Part

UNITS = "zero one two three four five six seven eight nine".split()
TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
# Stage boundaries (first age of each stage): infant, child, teen, young adult, adult, older adult.
STAGES = (0, 3, 13, 18, 26, 65, 80, 130)
_WORD_NUMBER = re.compile(
    r"(?<![\w-])(?:(?P<tens>" + "|".join(TENS[2:]) + r")(?:[- ](?P<unit>" + "|".join(UNITS[1:]) + r"))?"
    r"|(?P<teen>" + "|".join(TEENS) + r")|(?P<small>" + "|".join(UNITS[1:]) + r"))(?![\w])",
    re.IGNORECASE)
_DIGITS = re.compile(r"(?<!\d)\d{1,3}(?!\d)")


def words_for(n: int) -> str:
    if n < 10:
        return UNITS[n]
    if n < 20:
        return TEENS[n - 10]
    return TENS[n // 10] + ("" if n % 10 == 0 else "-" + UNITS[n % 10])


def _value(match: re.Match) -> int:
    g = match.groupdict()
    if g.get("tens"):
        return TENS.index(g["tens"].lower()) * 10 + (UNITS.index(g["unit"].lower()) if g.get("unit") else 0)
    if g.get("teen"):
        return TEENS.index(g["teen"].lower()) + 10
    return UNITS.index(g["small"].lower())


def stage(n: int) -> tuple[int, int]:
    """[first, last] age of n's stage of life."""
    for low, high in zip(STAGES, STAGES[1:]):
        if low <= n < high:
            return low, high - 1
    return STAGES[-2], STAGES[-1]


def near_age(n: int, rng, attempt: int = 0) -> int:
    """An age 1-3 years from n in the same stage of life (n itself only if the stage is one
    year); later attempts (the near ones taken) reach further, still inside the stage."""
    low, high = stage(n)
    spread = 3 + attempt // 4
    choices = [m for m in range(n - spread, n + spread + 1) if m != n and low <= m <= high]
    return rng.choice(choices) if choices else n


def parts(surface: str, session) -> list[Part]:
    match = _DIGITS.search(surface)
    if match is not None and surface[match.end():match.end() + 2][:1] in ".," and \
            surface[match.end() + 1:match.end() + 2].isdigit():
        return []  # "0.15": a decimal is no age; the engine's same-shape fallback
    if match is not None and int(match.group()) < 130:
        n = int(match.group())
        make = lambda rng, attempt, n=n: str(near_age(n, rng, attempt))  # noqa: E731
    else:
        match = _WORD_NUMBER.search(surface)
        if match is None:
            return []  # no number in it: the engine's same-shape fallback
        n = _value(match)
        make = lambda rng, attempt, n=n: words_for(near_age(n, rng, attempt))  # noqa: E731
    return [Part(match.start(), match.end(), "age:" + fold(match.group()), "AGE", make, small_space=True)]
