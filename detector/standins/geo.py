"""Real place names by country, from Faker's geo provider (971 real towns with country codes)
and its per-locale address data (countries, US states)."""
from __future__ import annotations

import functools

from faker.providers.address.en_US import Provider as _US
from faker.providers.geo import Provider as _Geo

from detector import formats
from detector.standins.casing import fold

LOCALE_COUNTRY = {
    "en_US": "US", "en_GB": "GB", "de_DE": "DE", "fr_FR": "FR", "es_ES": "ES", "it_IT": "IT",
    "nl_NL": "NL", "pt_BR": "BR", "pt_PT": "PT", "en_CA": "CA", "en_AU": "AU", "en_IN": "IN",
    "es_MX": "MX", "pl_PL": "PL", "sv_SE": "SE",
}
# Countries a stand-in may name: well known, so a stand-in reads naturally (hand list).
STANDIN_COUNTRIES = (
    "Canada", "Mexico", "Brazil", "Argentina", "Chile", "Colombia", "Peru", "Ireland", "Portugal",
    "Spain", "France", "Germany", "Italy", "Netherlands", "Belgium", "Switzerland", "Austria",
    "Sweden", "Norway", "Denmark", "Finland", "Poland", "Czech Republic", "Greece", "Turkey",
    "Egypt", "Morocco", "Kenya", "Nigeria", "South Africa", "India", "Pakistan", "Bangladesh",
    "Thailand", "Vietnam", "Malaysia", "Singapore", "Indonesia", "Philippines", "Japan",
    "South Korea", "Australia", "New Zealand", "Jordan", "Oman", "Qatar", "Kuwait",
)
COUNTRY_ALIASES = {"usa", "us", "u.s.", "u.s.a.", "united states", "america", "uk", "u.k.",
                   "united kingdom", "great britain", "england", "scotland", "wales", "uae",
                   "the netherlands", "holland", "deutschland", "españa", "italia"}


@functools.lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    return frozenset(fold(c) for c in _US.countries) | COUNTRY_ALIASES | {fold(c) for c in STANDIN_COUNTRIES}


@functools.lru_cache(maxsize=1)
def _towns() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    country_of: dict[str, str] = {}
    by_country: dict[str, list[str]] = {}
    for _, _, name, cc, _ in _Geo.land_coords:
        country_of.setdefault(fold(name), cc)
        if name.replace(" ", "").replace("-", "").isalpha():
            by_country.setdefault(cc, []).append(name)
    return country_of, {cc: tuple(v) for cc, v in by_country.items()}


def country_of_town(name: str) -> str | None:
    return _towns()[0].get(fold(name))


def towns(country: str) -> tuple[str, ...]:
    pool = _towns()[1].get(country, ())
    return pool if len(pool) >= 5 else _towns()[1]["US"]


US_STATES = tuple(_US.states)
US_STATE_ABBR = formats.US_STATE_ABBR
_STATES_FOLDED = frozenset(fold(s) for s in US_STATES)
_ABBR = frozenset(US_STATE_ABBR)


def is_us_state(text: str) -> bool:
    return fold(text) in _STATES_FOLDED


def is_us_state_abbr(text: str) -> bool:
    return text in _ABBR
