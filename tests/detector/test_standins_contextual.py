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


@pytest.mark.parametrize("surface, category", [
    ("type 1 diabetes", "HEALTH"), ("alzheimers", "HEALTH"), ("autistic", "HEALTH"),
    ("bipolar", "HEALTH"), ("breast cancer", "HEALTH"), ("social anxiety", "HEALTH"),
    ("a felony conviction", "LEGAL"), ("ex-husband", "RELATIONSHIP"),
])
def test_a_stand_in_term_shares_no_word_with_the_real_one(surface, category):
    def stems(term):
        return {w[:5] for w in term.lower().replace("'", "").replace("-", " ").split() if len(w) >= 3} - {"a", "an"}
    for seed in range(40):
        parts = contextual.parts(surface, None, category)
        new = parts[0].make(random.Random(seed), 0)
        assert not stems(new) & stems(surface), (surface, new)
