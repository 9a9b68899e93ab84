"""Which family makes the stand-ins of which category."""
from __future__ import annotations

from detector import spelled_digits
from detector.categories import CONTEXTUAL, Category
from detector.standins import (address, age, bank_account, contextual, credit_card, date, email, id_number,
                               ip_address, location, org, person, phone, secret, url, username)
from detector.standins.part import Part, whole
from detector.standins.shape import reshape

FAMILIES = {
    Category.PERSON: person.parts,
    Category.EMAIL: email.parts,
    Category.PHONE: phone.parts,
    Category.CREDIT_CARD: credit_card.parts,
    Category.BANK_ACCOUNT: bank_account.parts,
    Category.ID_NUMBER: id_number.parts,
    Category.IP_ADDRESS: ip_address.parts,
    Category.URL: url.parts,
    Category.USERNAME: username.parts,
    Category.SECRET: secret.parts,
    Category.ADDRESS: address.parts,
    Category.LOCATION: location.parts,
    Category.ORG: org.parts,
    Category.DATE: date.parts,
    Category.AGE: age.parts,
}


def parts_for(category: str, surface: str, session) -> list[Part]:
    try:
        cat = Category(str(category))
    except ValueError:
        return []  # unknown category: the engine's same-shape fallback
    if cat in CONTEXTUAL:
        return contextual.parts(surface, session, cat)
    family = FAMILIES.get(cat)
    if family is None:
        return []  # CUSTOM: same shape
    if cat in DIGIT_FAMILIES and (number := spelled_digits.read(surface)) is not None and number.words:
        return _dictated(cat, surface, number.digits, family(number.digits, session))
    return family(surface, session)


# Numbers people may dictate as words ("five five five, one two three...", a PIN, a zip code):
# detector/spelled_digits.py, found by detector/rules/number_forms.py.
DIGIT_FAMILIES = frozenset({Category.PHONE, Category.CREDIT_CARD, Category.BANK_ACCOUNT, Category.ID_NUMBER,
                            Category.SECRET, Category.ADDRESS})


def _dictated(cat: Category, surface: str, digits: str, inner: list[Part]) -> list[Part]:
    """One part for a number written in words: the family's stand-in for its digits (a valid
    card, a plausible phone), written back in the same words, separators and case."""
    def make(rng, attempt):
        out, pos = [], 0
        for part in inner:
            out += [digits[pos:part.start], part.make(rng, attempt)]
            pos = part.end
        new = "".join(c for c in "".join(out) + digits[pos:] if "0" <= c <= "9")
        if len(new) != len(digits) or new == digits:  # a country code more; no family of its own
            new = reshape(digits, rng)
        return spelled_digits.write_like(surface, new)
    return whole(surface, f"{cat}:spelled:{digits}", str(cat), make)
