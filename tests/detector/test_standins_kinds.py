"""Stand-ins of the right kind (issue #16 item 6): an organisation keeps its kind and gets a
name of that kind, a place keeps its granularity, a nationality stays a nationality."""
import re

import pytest

from detector.categories import Category as C
from detector.names.lexicon import last_names
from detector.standins import geo
from detector.standins.location import AREA_KINDS
from detector.standins.org import PLACE_NAMED
from tests.detector.test_standins_formats import standins


@pytest.mark.parametrize("real, kind", [
    ("Trans America Athletic Conference", "Athletic Conference"),
    ("Riverside Community Hospital", "Community Hospital"),
    ("Lincoln High School", "High School"),
    ("St. Mary's Hospital", "Hospital"),
])
def test_a_place_named_organisation_gets_one_place_name(real, kind):
    for fake in standins(real, C.ORG):
        assert fake.endswith(" " + kind) and fake != real
        front = fake[: -len(kind)].strip()
        # One place name in front (a town, "North" + a town, or "Lakeview"), not one surname per
        # word of the real name ("Hines Vazquez Athletic Conference").
        towns = set(geo.towns("US"))
        assert front in towns or front.split(" ", 1)[-1] in towns or re.fullmatch(r"[A-Z][a-z]+", front), fake


def test_a_company_still_gets_a_surname():
    for fake in standins("Napco National Company", C.ORG):
        assert fake.split()[0].lower() in last_names() or fake.split()[0].istitle()


def test_place_named_kinds_and_area_kinds_are_lower_case_words():
    assert all(w == w.lower() and " " not in w for w in PLACE_NAMED | AREA_KINDS)


@pytest.mark.parametrize("real, same_kind", [
    ("Bayern", lambda f: geo.country_of_region(f) == "DE"),
    ("Ontario", lambda f: geo.country_of_region(f) == "CA"),
    ("Andhra Pradesh", lambda f: geo.country_of_region(f) == "IN"),
    ("Southeast Asia", lambda f: geo.is_world_region(f)),
    ("Egyptian", lambda f: geo.is_nationality(f) and not geo.is_plural_nationality(f)),
    ("Egyptians", lambda f: geo.is_plural_nationality(f)),
    ("King County", lambda f: f.endswith(" County")),
    ("NS", lambda f: re.fullmatch(r"[A-Z]{2}", f)),  # a province's code the lists do not know
    ("WA", lambda f: geo.is_us_state_abbr(f)),
])
def test_a_place_keeps_its_granularity(real, same_kind):
    for fake in standins(real, C.LOCATION):
        assert fake != real and same_kind(fake), fake


def test_a_town_of_a_known_country_stays_in_that_country():
    town = next(t for t in geo.towns("DE") if re.fullmatch(r"[A-Za-z]+", t))
    for fake in standins(town, C.LOCATION):
        assert geo.country_of_town(fake) == "DE", fake
