"""Stand-ins never collide: not a real value, not already in the text, unique per conversation,
never an obvious test value; the store decides (look up first, first writer wins)."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from detector.categories import Category as C
from detector.standins import StandInSession
from detector.standins.collisions import BANNED_NAME_TOKENS, COMMON_WORDS, TEST_VALUES, appears_in
from detector.protect import Protector
from detector.store import InMemoryStore
from tests.detector.standins_doubles import PhraseDetector

CASES = [("Maria Gonzalez", C.PERSON), ("maria@acme-corp.com", C.EMAIL), ("+1 415 555 2671", C.PHONE),
         ("Boston", C.LOCATION), ("March 3, 1985", C.DATE), ("type 2 diabetes", C.HEALTH)]


def first_choice(real, category, scope="s"):
    return StandInSession(InMemoryStore(), scope, real).standin(real, category)


@pytest.mark.parametrize("real, category", CASES)
def test_never_a_real_value_seen_in_the_store(real, category):
    taken = first_choice(real, category)
    store = InMemoryStore()
    for i, word in enumerate([taken, *taken.split()]):  # make the preferred stand-in a real value
        store.add("another-conversation", "PERSON", f"k{i}", word, f"zz{i}")
    fake = StandInSession(store, "s", real).standin(real, category)
    assert fake != taken
    assert not store.is_real_value(fake)


@pytest.mark.parametrize("real, category", CASES)
def test_never_already_in_the_text(real, category):
    taken = first_choice(real, category)
    text = f"{real} and {taken}"
    fake = StandInSession(InMemoryStore(), "s", text).standin(real, category)
    assert fake != taken
    for word in fake.split():
        if category == C.PERSON:
            assert not appears_in(text, word)


@pytest.mark.parametrize("real, category", CASES)
def test_unique_within_the_conversation(real, category):
    taken = first_choice(real, category)
    store = InMemoryStore()
    for i, piece in enumerate([taken, *taken.split()]):
        store.add("s", str(category), f"other-{i}", f"someone else {i}", piece)
    fake = StandInSession(store, "s", real).standin(real, category)
    assert fake != taken
    # ...while another conversation may reuse it.
    assert StandInSession(store, "t", real).standin(real, category) == first_choice(real, category, "t")


def test_no_obvious_or_everyday_name_tokens():
    seen = set()
    for i in range(150):
        fake = StandInSession(InMemoryStore(), f"c{i}", "x").standin("John Williams", C.PERSON)
        seen.add(fake)
        assert fake.lower() not in TEST_VALUES
        for token in fake.split():
            assert token.lower() not in COMMON_WORDS and token.lower() not in BANNED_NAME_TOKENS
    assert len(seen) > 100  # drawn from real name lists, not a handful


def test_no_test_cards_ssns_or_example_domains():
    for i in range(60):
        s = StandInSession(InMemoryStore(), f"t{i}", "x")
        assert re.sub(r"\D", "", s.standin("4111 1111 1111 1111", C.CREDIT_CARD)) not in TEST_VALUES
        assert s.standin("123-45-6789", C.ID_NUMBER) not in TEST_VALUES
        assert "example" not in s.standin("ops@example.org", C.EMAIL)


def test_lookup_first_then_generate():
    store = InMemoryStore()
    store.add("s", "PERSON", "person-token:maria", "Maria", "Ottilie")
    assert StandInSession(store, "s", "Maria Gonzalez").standin("Maria Gonzalez", C.PERSON).startswith("Ottilie ")


def test_concurrent_turns_agree_on_one_stand_in():
    """First writer wins; every caller uses the winner, and every text still round-trips."""
    store = InMemoryStore()
    preferred = first_choice("Maria Gonzalez", C.PERSON, "race")
    texts = [f"Maria Gonzalez ({i})" if i % 2 else f"Maria Gonzalez met {preferred} ({i})" for i in range(16)]
    protector = Protector(PhraseDetector({"Maria Gonzalez": C.PERSON}), store)
    barrier = threading.Barrier(8)

    def run(text):
        barrier.wait(timeout=10) if texts.index(text) < 8 else None
        return text, protector.protect(text, "race")

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(run, texts))
    personas = {next(r.replacement for r in p.replacements if r.span.text == "Maria Gonzalez") for _, p in results}
    assert len(personas) == 1
    restorer = protector.restorer("race")
    for text, p in results:
        assert restorer.restore_exact(p.protected) == text
