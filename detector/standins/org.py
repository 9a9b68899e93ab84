"""ORG: the words that say what kind of organisation it is stay ("University", "Hospital",
"Inc", "National Company"), and the name that replaces the rest is of that kind: organisations
named after a place (hospitals, schools, conferences, leagues, churches) get a place name,
"Trans America Athletic Conference" -> "Lakeview Athletic Conference", as one part; companies
get a surname per distinctive word ("org-word:napco" -> "Harlow"), so "Napco", "Napco
National Company" and "napco national company" stay consistent."""
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
# Kinds of organisation that are named after a place or a landscape, not a founder (hand list).
PLACE_NAMED = frozenset("""
university college school academy institute hospital clinic clinics medical center centre health
church mosque temple synagogue conference league federation association council community
county district museum library gallery theatre theater airport port stadium arena park zoo
""".split())
# Faker's US town-name parts ("North", "Lake"; "view", "side"): made-up place names of the
# shape towns have, mixed with real towns for variety.
from faker.providers.address.en_US import Provider as _Address  # noqa: E402


def _maker(after_of: bool):
    towns = geo.towns("US")
    surnames = name_lists.surnames("en_US")
    if after_of:  # "University of Dammam": a place reads right after "of"
        return lambda rng, attempt: rng.choice(towns)
    return lambda rng, attempt: rng.choice(surnames)


# Landscape words that open made-up town names ("Lakeview", "Oakside"), with Faker's suffixes.
LANDSCAPE = ("Lake", "River", "Oak", "Pine", "Cedar", "Maple", "Hill", "Bay", "Spring", "Green",
             "Stone", "Brook", "Fair", "Glen", "Mill", "Red", "Clear", "Silver", "Elm", "Ash")


def _place_name(rng) -> str:
    """A real US town ("Fresno"), a directional one ("North Dayton") or a made-up one of the
    shape towns have ("Lakeview")."""
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(geo.towns("US"))
    if roll < 0.6:
        return f"{rng.choice(_Address.city_prefixes)} {rng.choice(geo.towns('US'))}"
    return rng.choice(LANDSCAPE) + rng.choice(_Address.city_suffixes)


# Words that qualify the kind in place-named organisations ("Athletic Conference", "Memorial
# Hospital", "Regional Medical Center"): they stay with the kind (hand list).
KIND_MODIFIERS = frozenset("""
athletic regional memorial general children's childrens women's womens state national
international community medical technical polytechnic catholic baptist methodist lutheran
presbyterian christian islamic jewish public private central metropolitan municipal county city
senior junior high elementary middle primary secondary unified independent valley methodist
sports football soccer basketball baseball hockey rugby cricket tennis golf youth
""".split())
ABBREVIATED = frozenset({"St", "Mt", "Ft"})  # "St. Mary's": the dot joins the name


def _place_named(surface: str) -> bool:
    return any(fold(m.group()) in PLACE_NAMED for m in _WORD.finditer(surface))


def _distinctive(word: str, low: str) -> bool:
    return not (low in KIND_WORDS or (low in COMMON_WORDS and len(word) > 3 and not word.isupper()))


def parts(surface: str, session) -> list[Part]:
    if _place_named(surface):
        run = _distinctive_run(surface)
        if run is not None:
            start, end = run
            return [Part(start, end, "org-place:" + fold(surface[start:end]), "ORG",
                         lambda rng, attempt: _place_name(rng), word_like=True)]
    out, prev = [], ""
    for m in _WORD.finditer(surface):
        word = m.group()
        low = fold(word)
        if not _distinctive(word, low):
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


def _distinctive_run(surface: str) -> tuple[int, int] | None:
    """The first run of words that name the place ("Trans America" in "Trans America Athletic
    Conference", "St. Mary's" in "St. Mary's Hospital"), with the spaces, hyphens and the dot
    of "St." between them; None if there is none."""
    start = end = None
    for m in _WORD.finditer(surface):
        word, low = m.group(), fold(m.group())
        naming = low not in PLACE_NAMED and low not in KIND_MODIFIERS and low not in KIND_WORDS
        if naming:
            if start is None:
                start = m.start()
            else:
                gap, previous = surface[end:m.start()], surface[:end].split()[-1]
                if not (gap in (" ", "-") or (gap == ". " and previous in ABBREVIATED)):
                    break
            end = m.end()
        elif start is not None:
            break
    return (start, end) if start is not None else None
