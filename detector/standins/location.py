"""LOCATION: a place keeps its granularity. A country becomes another country, a region,
province or state another one of the same country, a town another real town of the same
country where the country is known, a world region another world region, a nationality
another nationality; "King County", "Oyo State" keep their kind word. Each comma part maps
on its own."""
from __future__ import annotations

import re

from detector.standins import geo
from detector.standins.casing import fold
from detector.standins.part import Part

# Words that say what kind of area a name is; the stand-in keeps them ("King County" ->
# "Fresno County"), since the kind is what the answer may depend on.
AREA_KINDS = frozenset("""county state province region district prefecture oblast canton parish
borough township department governorate territory municipality city""".split())


def _maker(name: str):
    folded = fold(name)
    if folded in geo.countries():
        return lambda rng, attempt: rng.choice(geo.STANDIN_COUNTRIES)
    if geo.is_world_region(name):
        return lambda rng, attempt: rng.choice(geo.WORLD_REGIONS)
    if geo.is_nationality(name):
        plural = geo.is_plural_nationality(name)
        return lambda rng, attempt: rng.choice(geo.NATIONALITIES) + ("s" if plural else "")
    if geo.is_us_state(name):
        return lambda rng, attempt: rng.choice(geo.US_STATES)
    if geo.is_us_state_abbr(name):
        return lambda rng, attempt: rng.choice(geo.US_STATE_ABBR)
    if re.fullmatch(r"[A-Z]{2}", name):
        # A two-letter code the lists do not know ("NS", "NT"): a state or province's code,
        # not a town; another such code keeps the granularity.
        return lambda rng, attempt: rng.choice(geo.US_STATE_ABBR)
    region_country = geo.country_of_region(name)
    if region_country is not None:
        pool = geo.regions(region_country)
        return lambda rng, attempt: rng.choice(pool)
    words = name.split()
    if len(words) > 1 and fold(words[-1]) in AREA_KINDS:
        towns = geo.towns("US")
        kind = words[-1]
        return lambda rng, attempt: f"{rng.choice(towns)} {kind}"
    pool = geo.towns(geo.country_of_town(name) or "US")
    return lambda rng, attempt: rng.choice(pool)


def parts(surface: str, session) -> list[Part]:
    out = []
    for m in re.finditer(r"[^,;\n]+", surface):
        core = re.search(r"\w(?:.*\w)?", m.group())  # "(Boston)": the brackets stay
        piece = core.group() if core else ""
        if not any(c.isalpha() for c in piece):
            continue
        start = m.start() + core.start()
        out.append(Part(start, start + len(piece), "location:" + fold(piece), "LOCATION",
                        _maker(piece), word_like=True))
    return out
