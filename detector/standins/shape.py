"""Same-shape values: digits stay digits, letters stay letters of the same case, the rest stays.

The fallback for values no library knows the format of (passport numbers, account numbers,
unknown IDs) and the slot-filler the format-aware families use to keep separators and grouping.
"""
import random
import string
import unicodedata

_UPPER = string.ascii_uppercase
_LOWER = string.ascii_lowercase


def reshape(text: str, rng: random.Random, keep: int = 0) -> str:
    """A random value of the same shape; the first `keep` alphanumerics stay as they are. Digits
    stay in their script ("٤" is replaced by an Arabic-Indic digit)."""
    out, seen, prev_digit = [], 0, False
    for c in text:
        value = unicodedata.decimal(c, None)
        if value is not None:
            zero = ord(c) - value
            if seen < keep:
                out.append(c)
            elif not prev_digit and value != 0:
                out.append(chr(zero + rng.randint(1, 9)))  # a run keeps a non-zero lead: same magnitude
            else:
                out.append(chr(zero + rng.randint(0, 9)))
            seen += 1
            prev_digit = True
            continue
        prev_digit = False
        if c.isalpha():
            if seen < keep:
                out.append(c)
            else:
                out.append(rng.choice(_UPPER if c.isupper() else _LOWER))
            seen += 1
        else:
            out.append(c)
    return "".join(out)


def alnum_slots(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if c.isalnum()]


def fill_slots(template: str, chars: str) -> str:
    """Put `chars` into the alphanumeric slots of `template` (separators and case kept)."""
    slots = alnum_slots(template)
    if len(slots) != len(chars):
        raise ValueError("slot count differs")
    out = list(template)
    for i, c in zip(slots, chars):
        out[i] = c.lower() if template[i].islower() else c
    return "".join(out)


def ascii_digits(text: str) -> str:
    """The ASCII digits of `text` ("²" and other Unicode digits are not part of a number's format)."""
    return "".join(c for c in text if "0" <= c <= "9")


def digit_slots_fill(template: str, digits: str) -> str:
    """Put `digits` into the ASCII digit positions of `template` (everything else kept)."""
    positions = [i for i, c in enumerate(template) if "0" <= c <= "9"]
    if len(positions) != len(digits):
        raise ValueError("digit count differs")
    out = list(template)
    for i, d in zip(positions, digits):
        out[i] = d
    return "".join(out)
