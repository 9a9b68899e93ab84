"""BANK_ACCOUNT: an IBAN keeps its country, length and grouping and passes mod-97 and the
country's BBAN format (stdnum.iban.validate); other account numbers keep their shape."""
from __future__ import annotations

import re
import string

from stdnum import iban

from detector.formats import IBAN_SHAPE
from detector.standins.casing import fold
from detector.standins.part import Part, whole
from detector.standins.shape import fill_slots, reshape

_TRIES = 2000


def make_iban(surface: str):
    compact = iban.compact(surface)
    country, bban = compact[:2], compact[4:]

    def make(rng, attempt):
        for _ in range(_TRIES):
            new_bban = "".join(rng.choice(string.digits) if c.isdigit() else rng.choice(string.ascii_uppercase)
                               for c in bban)
            new = country + iban.calc_check_digits(country + "00" + new_bban) + new_bban
            if new != compact and iban.is_valid(new):
                return fill_slots(surface, new)
        return reshape(surface, rng, keep=2)

    return make


_IBAN_SHAPE = re.compile(IBAN_SHAPE)


def parts(surface: str, session) -> list[Part]:
    # Shaped like an IBAN (checksum or not): the stand-in is a valid IBAN of the same country.
    if _IBAN_SHAPE.fullmatch(iban.compact(surface)):
        return whole(surface, "iban:" + fold(surface), "BANK_ACCOUNT", make_iban(surface),
                     seed_key="iban:" + iban.compact(surface))
    return []  # the engine's same-shape fallback
