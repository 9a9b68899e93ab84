"""AGE stand-ins: close, same stage of life, same way of writing, and they map back."""
import random

from hypothesis import given, strategies as st

from detector.categories import Category
from detector.protect import Protector
from detector.span import Span
from detector.standins.age import near_age, parts, stage, words_for
from detector.store import InMemoryStore


@given(st.integers(min_value=0, max_value=120), st.integers(min_value=0, max_value=10**6))
def test_an_age_moves_one_to_three_years_within_its_stage_of_life(n, seed):
    m = near_age(n, random.Random(seed))
    low, high = stage(n)
    assert low <= m <= high
    assert m == n or 1 <= abs(m - n) <= 3


def test_children_stay_children_and_pensioners_stay_pensioners():
    rng = random.Random(1)
    assert all(3 <= near_age(12, rng) <= 12 for _ in range(50))
    assert all(18 <= near_age(18, rng) <= 21 for _ in range(50))
    assert all(near_age(66, rng) >= 65 for _ in range(50))


def test_only_the_number_is_a_part_and_words_stay_words():
    (p,) = parts("34 years old", None)
    assert (p.start, p.end, p.key) == (0, 2, "age:34")
    assert p.make(random.Random(0), 0).isdigit()
    (w,) = parts("thirty-four", None)
    assert (w.start, w.end) == (0, 11) and w.key == "age:thirty-four"
    assert w.make(random.Random(0), 0) in {words_for(n) for n in range(31, 38)}
    assert parts("old", None) == []


class _Fixed:
    mode = "fast"

    def __init__(self, spans):
        self.spans = spans

    def find(self, text):
        return self.spans

    def timings(self):
        return {}


def test_ages_are_replaced_and_restored_in_a_sentence():
    text = "i'm 34 yrs old and my daughter is seven"
    spans = [Span(4, 14, text[4:14], Category.AGE, "model"), Span(34, 39, "seven", Category.AGE, "model")]
    protector = Protector(_Fixed(spans), InMemoryStore())
    out = protector.protect(text, "scope")
    assert " yrs old and my daughter is " in out.protected
    assert "34" not in out.protected and "seven" not in out.protected
    assert protector.restorer("scope").restore(out.protected) == text


def test_a_vault_that_holds_every_age_still_gives_new_conversations_an_age():
    # A long-lived vault collects many real ages; an age's stand-in space is small, so it must
    # not avoid every real value ever stored (that blocked requests once the range was full).
    store = InMemoryStore()
    for n in range(1, 100):
        text = f"I am {n}"
        Protector(_Fixed([Span(5, len(text), str(n), Category.AGE, "model")]), store).protect(text, f"old:{n}")
    text = "my son is 7 and I am 41"
    spans = [Span(10, 11, "7", Category.AGE, "model"), Span(21, 23, "41", Category.AGE, "model")]
    protector = Protector(_Fixed(spans), store)
    out = protector.protect(text, "new")
    assert "7" not in out.protected.split() and "41" not in out.protected
    assert protector.restorer("new").restore(out.protected) == text


def test_later_attempts_reach_further_but_stay_in_the_stage():
    rng = random.Random(3)
    seen = {near_age(40, rng, attempt) for attempt in range(64) for _ in range(5)}
    assert max(seen) > 43 and all(26 <= m <= 64 for m in seen)


def test_an_age_in_a_text_full_of_numbers_still_gets_a_stand_in():
    # Every age near 5 already stood in the text (a table of numbers): the request was blocked.
    numbers = " ".join(str(n) for n in range(0, 100))
    text = f"my son is 5 and here is the data: {numbers}"
    spans = [Span(10, 11, "5", Category.AGE, "model")]
    protector = Protector(_Fixed(spans), InMemoryStore())
    out = protector.protect(text, "s")
    assert out.protected.startswith("my son is ") and not out.protected.startswith("my son is 5 ")
    assert protector.restorer("s").restore_exact(out.protected) == text


def test_a_decimal_is_not_cut_into_an_age():
    assert parts("0.15", None) == []
