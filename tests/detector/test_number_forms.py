"""Numbers written other than as digits in a row (detector/rules/number_forms.py): dictated as
words ("my social is four five six, one two, three four five six") or given by their last
digits ("my card ends in 4417"). The rules find them with the kind the words before them say;
the stand-in is another number of that kind written the same way, and the reply restores to
what the user wrote. The real rules layer and stand-in engine run."""
import pytest
from hypothesis import given, settings, strategies as st
from stdnum import luhn
from stdnum.us import ssn

from detector import spelled_digits
from detector.categories import Category as C
from detector.pipeline import Detector
from detector.precision import PrecisionStage
from detector.protect import Protector
from detector.rules import RulesLayer
from detector.span import Layer, Span
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
    # short ones, right after the word that says what they are
    ("zip code: nine oh two one oh", "nine oh two one oh", C.ADDRESS),
    ("the pin for my card is four four one nine", "four four one nine", C.SECRET),
    # two digits said as one number
    ("my social is five five five, twelve, three four five six", "five five five, twelve, three four five six", C.ID_NUMBER),
    ("call me on oh seven seven, twenty-three, four five six one two", "oh seven seven, twenty-three, four five six one two", C.PHONE),
]


@pytest.mark.parametrize("text, real, category", CASES)
def test_a_dictated_number_is_replaced_whole_and_said_the_same_way(detector, text, real, category):
    protector = Protector(detector, InMemoryStore())
    protection = protector.protect(text, "s")
    [rep] = protection.replacements
    assert (rep.span.text, rep.span.category) == (real, category)
    said, new = spelled_digits.read(real), spelled_digits.read(rep.replacement)
    assert new is not None and len(new.digits) == len(said.digits) and new.digits != said.digits
    # the same case word for word ("twelve" may come back as "oh five": compare the shorter run)
    assert all(a.isupper() == b.isupper() for a, b in zip(rep.replacement.split(), real.split()))
    assert said.digits[-4:] != new.digits[-4:]  # the number's end is new
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
    "one two three four",  # short, and nothing says what it is
    "the score: four four one nine",
    "speed limits of thirty, forty, fifty, sixty here",  # numbers said one after another
    "count on: six seven eight nine ten eleven twelve",
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


WORDS = st.sampled_from(sorted(spelled_digits.DIGIT_WORDS) + ["double five", "triple oh", "42", "7", "twelve",
                                                                "forty", "twenty-three", "sixty one"])
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


LAST_DIGITS = [
    ("ssn ends in 6789", "6789", C.ID_NUMBER),
    ("my card ends 4417, pls refund", "4417", C.CREDIT_CARD),
    ("visa ending in 0043", "0043", C.CREDIT_CARD),
    ("last 4 of my SSN: 6789", "6789", C.ID_NUMBER),
    ("the last four digits of my phone are 0134", "0134", C.PHONE),
    ("account ****4417 was charged twice", "4417", C.BANK_ACCOUNT),
    ("my SSN is ***-**-6789", "6789", C.ID_NUMBER),
    ("card number xxxx-xxxx-xxxx-4417", "4417", C.CREDIT_CARD),
]


@pytest.mark.parametrize("text, real, category", LAST_DIGITS)
def test_the_last_digits_of_a_number_take_the_kind_of_the_number(detector, text, real, category):
    protector = Protector(detector, InMemoryStore())
    protection = protector.protect(text, "s")
    assert [(r.span.text, r.span.category) for r in protection.replacements] == [(real, category)]
    [rep] = protection.replacements
    assert rep.replacement.isdigit() and len(rep.replacement) == len(real) and rep.replacement != real
    assert protector.restorer("s").restore(protection.protected) == text


@pytest.mark.parametrize("text", [
    "the lease ends in 2027", "It ends in 2027, and my phone is new", "the game ended 3 2",
    "rated ***** 5 stars", "the last 3 years were hard", "the show ends at 10",
])
def test_ends_and_lasts_that_are_no_number(detector, text):
    assert not [s for s in detector.find(text) if s.source.endswith("/last_digits")]



@pytest.mark.parametrize("text, value, category, kept", [
    ("card number xxxx-xxxx-xxxx-4417", "xxxx-xxxx-xxxx", C.EMAIL, False),  # the model once took it for an e-mail
    ("my SSN is ***-**-6789", "***-**-", C.ID_NUMBER, False),
    ("pin •••• 12", "••••", C.SECRET, False),
    ("I paid Xavier Fox", "Xavier Fox", C.PERSON, True),
    ("call xx47 9182", "xx47 9182", C.PHONE, True),  # a masked digit counts as one
])
def test_a_mask_is_no_value_a_model_may_claim(text, value, category, kept):
    start = text.index(value)
    span = Span(start, start + len(value), value, category, Layer.MODEL, 0.75)
    assert PrecisionStage()(text, [span]) == ([span] if kept else [])


def test_the_nearest_word_names_the_kind(detector):
    text = "my ssn is 456 12 3456 and my phone is five five five, one two three, four five six seven"
    kinds = {s.text: s.category for s in detector.find(text)}
    assert kinds["five five five, one two three, four five six seven"] is C.PHONE
