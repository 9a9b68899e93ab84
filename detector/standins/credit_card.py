"""CREDIT_CARD: same brand prefix, same length and grouping, passes Luhn (python-stdnum)."""
from __future__ import annotations


from stdnum import luhn

from detector.standins.collisions import TEST_VALUES
from detector.standins.part import Part, whole
from detector.standins.shape import ascii_digits, digit_slots_fill


def brand_prefix_length(digits: str) -> int:
    """How many leading digits name the brand (IIN ranges of the card networks)."""
    two = int(digits[:2]) if len(digits) >= 2 else 0
    four = int(digits[:4]) if len(digits) >= 4 else 0
    if digits.startswith("4"):
        return 1  # Visa
    if two in (34, 37) or 51 <= two <= 55 or two in (36, 38, 30, 65, 62):
        return 2  # Amex, Mastercard, Diners, Discover, UnionPay
    if 2221 <= four <= 2720 or digits.startswith("6011") or 3528 <= four <= 3589:
        return 4  # Mastercard 2-series, Discover, JCB
    if digits[:3].isdigit() and 644 <= int(digits[:3]) <= 649:
        return 3
    return 2


def make_card(surface: str):
    digits = ascii_digits(surface)
    keep = brand_prefix_length(digits) if len(digits) >= 4 else 0

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
