"""ID_NUMBER: national IDs keep their format and, where python-stdnum has a validator for the
format, the stand-in passes it (US SSN area/group/serial rules, BSN, PESEL, ...)."""
from __future__ import annotations

import re

from detector.formats import ID_NUMBER_MODULES, id_module
from detector.standins.casing import fold
from detector.standins.collisions import TEST_VALUES
from detector.standins.part import Part, whole
from detector.standins.shape import fill_slots, reshape

_SSN_SHAPE = re.compile(r"\d{3}([- ]?)\d{2}\1\d{4}")
_TRIES = 3000


def _validators_for(surface: str) -> list:
    """Every stdnum format the real value passes: the stand-in must pass them all (a 9-digit
    number can be a valid SSN and a valid Dutch BSN at once)."""
    if _SSN_SHAPE.fullmatch(surface.strip()) and "-" in surface:
        return [id_module("us.ssn")]  # the SSN format itself says which rules apply
    found = []
    for name in ID_NUMBER_MODULES:
        mod = id_module(name)
        try:
            if mod.is_valid(surface):
                found.append(mod)
        except Exception:  # a validator that chokes on foreign input simply does not apply
            continue
    return found


def _random_ssn(rng) -> str:
    while True:
        area = rng.randint(1, 899)
        if area != 666:
            return f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"


def make_id(surface: str):
    modules = _validators_for(surface)
    compact = "".join(c for c in surface if c.isalnum())
    ssn_only = [m.__name__ for m in modules] == ["stdnum.us.ssn"]

    def make(rng, attempt):
        if not modules:
            return reshape(surface, rng)
        for _ in range(_TRIES):
            new = _random_ssn(rng) if ssn_only else "".join(c for c in reshape(compact, rng) if c.isalnum())
            cand = fill_slots(surface, new)
            if new != compact.upper() and fold(cand) not in TEST_VALUES and all(m.is_valid(cand) for m in modules):
                return cand
        return reshape(surface, rng)

    return make


def parts(surface: str, session) -> list[Part]:
    compact = "".join(c for c in surface if c.isalnum())
    return whole(surface, "id:" + fold(surface), "ID_NUMBER", make_id(surface), seed_key="id:" + fold(compact))
