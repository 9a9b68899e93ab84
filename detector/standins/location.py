"""LOCATION: a country becomes another country, a US state another state, a town another real
town of the same country where the country is known; each comma part maps on its own."""
from __future__ import annotations

import re

from detector.standins import geo
from detector.standins.casing import fold
from detector.standins.part import Part


def _maker(name: str):
    if fold(name) in geo.countries():
        return lambda rng, attempt: rng.choice(geo.STANDIN_COUNTRIES)
    if geo.is_us_state(name):
        return lambda rng, attempt: rng.choice(geo.US_STATES)
    if geo.is_us_state_abbr(name):
        return lambda rng, attempt: rng.choice(geo.US_STATE_ABBR)
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
