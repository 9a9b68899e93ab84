"""Numbers dictated as words: "five five five, one two three, four five six seven", "double
oh seven", "four one one 2 3". People write a phone, an SSN or an account number this way to get
past filters (or because they read it out); both sides need it: the rules read the digits, the
stand-ins write new digits back in the same words, so the cloud sees a number said the same way.

Hand-written: the number-parsing libraries (word2number, num2words' parser) read "five hundred
and six" as one quantity; a dictated number is a sequence of single digits, and its words,
separators and case must be kept to be written back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
               "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
WORD_OF = {d: w for w, d in DIGIT_WORDS.items() if w != "oh"}
REPEATS = {"double": 2, "triple": 3}

# Two digits said as one number: "twelve", "forty", "twenty-three" ("five five five, twelve,
# three four five six" is an SSN). They count as digits, not as digit words: a run of them alone
# ("thirty, forty, fifty, sixty") is a list of numbers, not a dictated one.
TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")
TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
        "eighty": "8", "ninety": "9"}
UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_PAIR = (rf"(?:{'|'.join(TENS)})(?:[ -](?:{'|'.join(UNITS)}))?\b|(?:{'|'.join(TEENS)})\b")

_WORD = "|".join(sorted(DIGIT_WORDS, key=len, reverse=True))
# One token: a two-digit number word, a digit word (maybe after "double"/"triple") or a short
# group of written digits.
_TOKEN = rf"(?:{_PAIR})|(?:(?:double|triple)[ -]?)?(?:{_WORD})\b|\d{{1,4}}(?![\d.,]\d)"
_SEP = r"(?:[ \t]*[,\-/.][ \t]*|[ \t]+)"
# A run of 4+ tokens, starting and ending on a token; word boundaries keep "someone" and
# "tone" out (the look-behind also keeps "oh" inside "john" out).
SPELLED_RUN = re.compile(rf"(?<![\w-])(?:{_TOKEN})(?:{_SEP}(?:{_TOKEN})){{3,}}", re.IGNORECASE)
_PIECE = re.compile(rf"(?P<pair>{_PAIR})|(?:(?P<rep>double|triple)[ -]?)?(?P<word>{_WORD})\b|(?P<digits>\d+)",
                    re.IGNORECASE)

MIN_DIGITS = 7   # shorter runs are times, scores and counts ("one two three four")
MIN_WORDS = 3    # fewer words than that is a plain number with a word or two around it


@dataclass(frozen=True)
class SpelledNumber:
    digits: str  # the digits it says, in order
    words: int   # how many of them were written as single digit words
    said: tuple[int, ...] = field(default=(), compare=False)  # each number as said ("ten": 10)


def read(text: str) -> SpelledNumber | None:
    """The digits a dictated number says, or None if `text` is not one (all of it must be
    digit words, digit groups and separators)."""
    digits: list[str] = []
    said: list[int] = []
    words = pos = 0
    for m in _PIECE.finditer(text):
        if text[pos:m.start()].strip(" \t,-/."):
            return None
        if m.group("digits"):
            digits.append(m.group("digits"))
            said.append(int(m.group("digits")))
        elif m.group("pair"):
            digits.append(_pair_digits(m.group("pair")))
            said.append(int(digits[-1]))
        else:
            times = REPEATS.get((m.group("rep") or "").lower(), 1)
            digits.append(DIGIT_WORDS[m.group("word").lower()] * times)
            said.extend([int(digits[-1][0])] * times)
            words += times
        pos = m.end()
    if text[pos:].strip(" \t,-/.") or not digits:
        return None
    return SpelledNumber("".join(digits), words, tuple(said))


def is_dictated(number: SpelledNumber) -> bool:
    """Long enough, enough words, and not counting ("one two three four five six seven")."""
    d = number.digits
    if len(d) < MIN_DIGITS or number.words < MIN_WORDS:
        return False
    steps = {(int(b) - int(a)) % 10 for a, b in zip(d, d[1:])}
    counted = len(number.said) > 1 and all(b == a + 1 for a, b in zip(number.said, number.said[1:]))
    return steps != {1} and not counted  # "... eight nine ten" counts too


def write_like(template: str, digits: str) -> str:
    """`digits` written the way `template` writes its number: each digit word becomes the word
    of the new digit in the same case, each written group new digits, separators kept. A
    "double five" whose two new digits differ is written as two words."""
    out: list[str] = []
    pos = i = 0
    for m in _PIECE.finditer(template):
        out.append(template[pos:m.start()])
        if m.group("digits"):
            n = len(m.group("digits"))
            out.append(digits[i:i + n])
            i += n
        elif m.group("pair"):
            # A round "twenty" right before a digit word would read as "twenty-one": say its
            # digits one by one there.
            two = digits[i:i + 2]
            if two[1] == "0" and two[0] != "1" and _DIGIT_WORD_NEXT.match(template, m.end()):
                out.append(" ".join(_cased(WORD_OF[c], m.group("pair")) for c in two))
            else:
                out.append(_pair_words(two, m.group("pair")))
            i += 2
        else:
            word = m.group("word")
            times = REPEATS.get((m.group("rep") or "").lower(), 1)
            new = digits[i:i + times]
            i += times
            if times > 1 and len(set(new)) == 1:
                out.append(m.group()[: m.start("word") - m.start()] + _cased(WORD_OF[new[0]], word))
            else:
                out.append(" ".join(_cased(WORD_OF[c], word) for c in new))
        pos = m.end()
    out.append(template[pos:])
    if i != len(digits):
        raise ValueError("the template holds another count of digits")
    return "".join(out)


_DIGIT_WORD_NEXT = re.compile(rf"[ -](?:(?:double|triple)[ -]?)?(?:{_WORD})\b", re.IGNORECASE)


def _pair_digits(pair: str) -> str:
    tens, _, unit = pair.lower().replace("-", " ").partition(" ")
    if tens in TEENS:
        return str(10 + TEENS.index(tens))
    return TENS[tens] + (DIGIT_WORDS[unit] if unit else "0")


def _pair_words(two: str, like: str) -> str:
    """Two digits said the way `like` says its two ("twelve", "forty", "twenty-three"); a leading
    zero is said "oh"."""
    joiner = "-" if "-" in like else " "
    if two[0] == "0":
        words = "oh" + joiner + WORD_OF[two[1]]
    elif two[0] == "1":
        words = TEENS[int(two[1])]
    else:
        tens = next(w for w, d in TENS.items() if d == two[0])
        words = tens if two[1] == "0" else tens + joiner + WORD_OF[two[1]]
    return _cased(words, like)


def _cased(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
