"""Which family makes the stand-ins of which category."""
from __future__ import annotations

from detector.categories import CONTEXTUAL, Category
from detector.faux import (addresses, banking, cards, contextual, dates, emails, ids, keys, network,
                           orgs, persons, phones, places)
from detector.faux.part import Part

FAMILIES = {
    Category.PERSON: persons.parts,
    Category.EMAIL: emails.parts,
    Category.PHONE: phones.parts,
    Category.CREDIT_CARD: cards.parts,
    Category.BANK_ACCOUNT: banking.parts,
    Category.ID_NUMBER: ids.parts,
    Category.IP_ADDRESS: network.ip_parts,
    Category.URL: network.url_parts,
    Category.USERNAME: network.username_parts,
    Category.SECRET: keys.parts,
    Category.ADDRESS: addresses.parts,
    Category.LOCATION: places.parts,
    Category.ORG: orgs.parts,
    Category.DATE: dates.parts,
}


def parts_for(category: str, surface: str, session) -> list[Part]:
    try:
        cat = Category(str(category))
    except ValueError:
        return []  # unknown category: the engine's same-shape fallback
    if cat in CONTEXTUAL:
        return contextual.parts(surface, session, cat)
    return FAMILIES[cat](surface, session)
