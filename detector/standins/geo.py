"""Real place names by country, from Faker's geo provider (971 real towns with country codes)
and its per-locale address data (countries, US states, the regions and provinces of other
countries), plus world regions and nationalities, so a place keeps its granularity: a town
becomes a town of the same country, a region a region of the same country, a country a
country, a world region a world region, a nationality a nationality."""
from __future__ import annotations

import functools

import importlib

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


# Regions, provinces and states of other countries, as Faker's locale address data lists them:
# (locale, attribute). Entries may be (code, name) pairs.
_REGION_LISTS = (
    ("en_GB", "counties"), ("de_DE", "states"), ("fr_FR", "regions"), ("es_ES", "regions"),
    ("it_IT", "states"), ("en_CA", "provinces"), ("en_AU", "states"), ("en_IN", "states"),
    ("nl_NL", "provinces"), ("es_MX", "states"), ("pl_PL", "regions"),
)


@functools.lru_cache(maxsize=1)
def _regions() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    country_of: dict[str, str] = {}
    by_country: dict[str, list[str]] = {"US": list(US_STATES)}
    for locale, attribute in _REGION_LISTS:
        provider = importlib.import_module(f"faker.providers.address.{locale}").Provider
        names = [n[1] if isinstance(n, tuple) else n for n in getattr(provider, attribute)]
        cc = LOCALE_COUNTRY[locale]
        for name in names:
            country_of.setdefault(fold(name), cc)
        by_country.setdefault(cc, []).extend(names)
    return country_of, {cc: tuple(v) for cc, v in by_country.items()}


def country_of_region(name: str) -> str | None:
    """The country whose region, province or state this is ("Bayern" -> "DE"), else None."""
    return _regions()[0].get(fold(name))


def regions(country: str) -> tuple[str, ...]:
    return _regions()[1].get(country, US_STATES)


# Continents and world regions a stand-in may name (hand list).
WORLD_REGIONS = ("Africa", "Asia", "Europe", "South America", "North America", "Central America",
                 "the Middle East", "Southeast Asia", "East Asia", "Central Asia", "Scandinavia",
                 "the Balkans", "the Caribbean", "Oceania", "Eastern Europe", "Western Europe",
                 "West Africa", "East Africa", "North Africa", "Latin America")
# Nationalities of STANDIN_COUNTRIES and of the countries people name most (hand list: no
# installed package lists demonyms).
NATIONALITIES = (
    "Canadian", "Mexican", "Brazilian", "Argentinian", "Chilean", "Colombian", "Peruvian", "Irish",
    "Portuguese", "Spanish", "French", "German", "Italian", "Dutch", "Belgian", "Swiss",
    "Austrian", "Swedish", "Norwegian", "Danish", "Finnish", "Polish", "Czech", "Greek", "Turkish",
    "Egyptian", "Moroccan", "Kenyan", "Nigerian", "South African", "Indian", "Pakistani",
    "Bangladeshi", "Thai", "Vietnamese", "Malaysian", "Singaporean", "Indonesian", "Filipino",
    "Japanese", "Korean", "Australian", "New Zealander", "Jordanian", "Omani", "Qatari",
    "Kuwaiti", "American", "British", "English", "Scottish", "Welsh", "Chinese", "Russian",
    "Ukrainian", "Iranian", "Iraqi", "Syrian", "Lebanese", "Saudi", "Emirati", "Israeli",
    "Palestinian", "Afghan", "Nepalese", "Sri Lankan", "Ethiopian", "Ghanaian", "Algerian",
    "Tunisian", "Romanian", "Hungarian", "Bulgarian", "Serbian", "Croatian", "Cuban",
    "Venezuelan", "Jamaican", "Haitian",
)
_NATIONALITIES = frozenset(fold(n) for n in NATIONALITIES)


def is_nationality(text: str) -> bool:
    """A nationality, singular or plural ("Omani", "Egyptians")."""
    folded = fold(text)
    return folded in _NATIONALITIES or (folded.endswith("s") and folded[:-1] in _NATIONALITIES)


def is_plural_nationality(text: str) -> bool:
    folded = fold(text)
    return folded not in _NATIONALITIES and folded.endswith("s") and folded[:-1] in _NATIONALITIES


def is_world_region(text: str) -> bool:
    return fold(text).removeprefix("the ") in {fold(r).removeprefix("the ") for r in WORLD_REGIONS}
