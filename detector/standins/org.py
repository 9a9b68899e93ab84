"""ORG: the words that say what kind of organisation it is stay ("University", "Hospital",
"Inc", "National Company"); each distinctive word maps on its own ("org-word:napco" ->
"Harlow"), so "Napco", "Napco National Company" and "napco national company" stay consistent."""
from __future__ import annotations

import re

from detector.standins import geo, name_lists
from detector.standins.casing import fold
from detector.standins.collisions import COMMON_WORDS
from detector.standins.part import Part

# Kind words and legal forms (hand list; everyday English words are kept as well).
KIND_WORDS = frozenset("""
university college school high elementary middle primary secondary academy institute hospital
clinic clinics medical center centre health healthcare bank church mosque temple synagogue
foundation association society council department ministry agency office group company
corporation corp inc llc ltd limited plc gmbh ag sa srl bv co holdings partners services
solutions systems technologies technology tech labs consulting insurance national
international global federal state city county community of the and for de du la le los las
der die das und at in on automotive pharmacy pharmaceuticals restaurant cafe hotel studio
studios motors airlines bakery law firm associates federation union league committee
commission board authority organization organisation network alliance trust fund club museum
library gallery theatre theater press news media bureau service
""".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _maker(after_of: bool):
    towns = geo.towns("US")
    surnames = name_lists.surnames("en_US")
    if after_of:  # "University of Dammam": a place reads right after "of"
        return lambda rng, attempt: rng.choice(towns)
    return lambda rng, attempt: rng.choice(surnames)


def parts(surface: str, session) -> list[Part]:
    out, prev = [], ""
    for m in _WORD.finditer(surface):
        word = m.group()
        low = fold(word)
        if low in KIND_WORDS or (low in COMMON_WORDS and len(word) > 3 and not word.isupper()):
            prev = low
            continue
        out.append(Part(m.start(), m.end(), "org-word:" + low, "ORG", _maker(prev == "of"), word_like=True))
        prev = low
    if out:
        return out
    # Only kind words ("the Clinic"): a distinctive word goes in front.
    core = re.search(r"\w(?:.*\w)?", surface, re.DOTALL)
    if core is None:
        return []
    return [Part(core.start(), core.end(), "org:" + fold(core.group()), "ORG",
                 lambda rng, attempt: f"{rng.choice(name_lists.surnames('en_US'))} {core.group()}")]
