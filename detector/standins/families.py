"""Which family makes the stand-ins of which category."""
from __future__ import annotations

from detector.categories import CONTEXTUAL, Category
from detector.standins import (address, age, bank_account, contextual, credit_card, date, email, id_number,
                               ip_address, location, org, person, phone, secret, url, username)
from detector.standins.part import Part

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
    return family(surface, session) if family is not None else []  # CUSTOM: same shape
