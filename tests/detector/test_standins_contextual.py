"""detector/standins/contextual.py: a contextual phrase keeps its words; its terms are swapped."""
import random

import pytest

from detector.standins import contextual


def swapped(surface: str, category: str) -> list[tuple[str, str]]:
    parts = contextual.parts(surface, None, category)
    return [(surface[p.start:p.end], p.make(random.Random(7), 0)) for p in parts]


def test_a_term_written_without_its_article_is_swapped_without_one():
    [(term, new)] = swapped("had a stroke", "HEALTH")
    assert term == "a stroke" and not new.startswith(("a ", "an "))
    [(term, new)] = swapped("my dad had stroke", "HEALTH")
    assert term == "stroke" and not new.startswith(("a ", "an "))


def test_a_phrase_filed_under_another_kind_keeps_its_words():
    # the tagger's RELATIONSHIP for a health fact: the HEALTH term inside is swapped, not the phrase
    [(term, new)] = swapped("recovering from a heroin addiction", "RELATIONSHIP")
    assert term == "a heroin addiction" and new != term


@pytest.mark.parametrize("surface", ["behind on rent by", "went to the place"])
def test_a_phrase_with_no_known_term_is_replaced_whole(surface):
    [(term, _)] = swapped(surface, "RELATIONSHIP")
    assert term == surface
