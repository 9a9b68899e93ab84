"""CREDIT_CARD: same brand prefix, same length and grouping, passes Luhn (python-stdnum)."""
from __future__ import annotations

from stdnum import luhn

from detector.formats import card_brand_digits
from detector.standins.collisions import TEST_VALUES
from detector.standins.part import Part, whole
from detector.standins.shape import ascii_digits, digit_slots_fill


def make_card(surface: str):
    digits = ascii_digits(surface)
    keep = card_brand_digits(digits) if len(digits) >= 4 else 0

    def make(rng, attempt):
        while True:
            body = digits[:keep] + "".join(rng.choice("0123456789") for _ in range(len(digits) - keep - 1))
            new = body + luhn.calc_check_digit(body)
            if new != digits and new not in TEST_VALUES:
                return digit_slots_fill(surface, new)

    return make


def parts(surface: str, session) -> list[Part]:
    digits = ascii_digits(surface)
    if len(digits) < 8:
        return []
    return whole(surface, "card:" + surface, "CREDIT_CARD", make_card(surface),
                 seed_key="card-digits:" + digits)
