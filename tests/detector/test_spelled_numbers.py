"""Numbers dictated as words ("my social is four five six, one two, three four five six"): the
rules find them whole, with the kind the words before them say; the stand-in is another number
of that kind said the same way, and the reply restores to what the user wrote. The real rules
layer and stand-in engine run."""
import pytest
from hypothesis import given, settings, strategies as st
from stdnum import luhn
from stdnum.us import ssn

from detector import spelled_digits
from detector.categories import Category as C
from detector.pipeline import Detector
from detector.protect import Protector
from detector.rules import RulesLayer
from detector.store import InMemoryStore


@pytest.fixture(scope="module")
def detector():
    d = Detector(layers=[RulesLayer()])
    d.warm()
    return d


CASES = [
    ("my social is four five six, one two, three four five six", "four five six, one two, three four five six", C.ID_NUMBER),
    ("SSN: Five Three Six - Nine Oh - Four Three Nine Nine, thanks", "Five Three Six - Nine Oh - Four Three Nine Nine", C.ID_NUMBER),
    ("call me at five five five, one two three, four five six seven ok", "five five five, one two three, four five six seven", C.PHONE),
    ("text me on double seven oh nine, double one four, three two one", "double seven oh nine, double one four, three two one", C.PHONE),
    ("you can reach me 4 one 5 eight six seven 5 3 0 9", "4 one 5 eight six seven 5 3 0 9", C.PHONE),
    ("my card number is four one one one one one one one one one one one one one one one",
     "four one one one one one one one one one one one one one one one", C.CREDIT_CARD),
    ("account no. two four six eight one three five seven nine", "two four six eight one three five seven nine", C.BANK_ACCOUNT),
    ("i'll say it slowly: SIX ONE SEVEN EIGHT TWO THREE FOUR ZERO ONE", "SIX ONE SEVEN EIGHT TWO THREE FOUR ZERO ONE", C.PHONE),
]


@pytest.mark.parametrize("text, real, category", CASES)
def test_a_dictated_number_is_replaced_whole_and_said_the_same_way(detector, text, real, category):
    protector = Protector(detector, InMemoryStore())
    protection = protector.protect(text, "s")
    [rep] = protection.replacements
    assert (rep.span.text, rep.span.category) == (real, category)
    said, new = spelled_digits.read(real), spelled_digits.read(rep.replacement)
    assert new is not None and len(new.digits) == len(said.digits) and new.digits != said.digits
    assert [w.isupper() for w in rep.replacement.split()] == [w.isupper() for w in real.split()][: len(rep.replacement.split())]
    assert said.digits[-4:] not in new.digits  # no real group of four survives
    if category is C.CREDIT_CARD:
        assert luhn.is_valid(new.digits)
    if real.startswith("four five six"):
        assert ssn.is_valid(new.digits)  # an SSN's stand-in is a valid SSN
    assert protector.restorer("s").restore(protection.protected) == text
    assert protector.leaks_caught.total() == 0


@pytest.mark.parametrize("text", [
    "count with me: one two three four five six seven eight nine ten",
    "I have two kids, three dogs and one cat",
    "we meet at five, six or seven",
    "the scores were 3 4 5 6 7 8 9 in that order",
    "one by one, two by two, three by three",
    "someone phoned at two or three",
    "it cost twenty two dollars and fifty five cents",
])
def test_words_that_are_not_a_dictated_number(detector, text):
    assert not [s for s in detector.find(text) if s.source.endswith("/spelled")]


def test_read_and_write_back():
    number = spelled_digits.read("double five, oh 7 - Nine")
    assert number == spelled_digits.SpelledNumber("55079", 4)
    assert spelled_digits.write_like("double five, oh 7 - Nine", "12345") == "one two, three 4 - Five"
    assert spelled_digits.write_like("Double Five two", "882") == "Double Eight two"
    assert spelled_digits.read("five five and five") is None  # a word that is not a digit
    with pytest.raises(ValueError):
        spelled_digits.write_like("five five five", "12")


WORDS = st.sampled_from(sorted(spelled_digits.DIGIT_WORDS) + ["double five", "triple oh", "42", "7"])
SEPARATORS = st.sampled_from([" ", ", ", " - ", "-", " / ", ". ", "  "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(WORDS, SEPARATORS), min_size=1, max_size=14), st.randoms(use_true_random=False),
       st.sampled_from([str.lower, str.upper, str.title]))
def test_any_spelling_reads_back_what_was_written_into_it(pieces, rng, case):
    template = case("".join(w + s for w, s in pieces)[: -len(pieces[-1][1])])
    number = spelled_digits.read(template)
    assert number is not None
    new = "".join(str(rng.randint(0, 9)) for _ in number.digits)
    written = spelled_digits.write_like(template, new)
    assert spelled_digits.read(written).digits == new
