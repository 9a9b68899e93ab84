"""Sums of money about the writer (detector/rules/finance.py), and how they meet the learned
layer's phrases in resolution."""
import pytest

from detector.categories import Category as C
from detector.resolve import resolve
from detector.rules.finance import FinanceRecognizer
from detector.span import Layer, Span
from tests.detector.rules_helpers import values

R = FinanceRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("I'm about $23,000 in credit card debt and behind on rent", ["$23,000"]),
    ("my salary is €4,500 per month after tax", ["€4,500 per month"]),
    ("we still owe 12,000 dollars on the car", ["12,000 dollars"]),
    ("My landlord raised the rent to $1,850. Can he do that?", ["$1,850"]),
    ("I make 85k a year as a junior accountant", ["85k a year"]),
    ("Our savings are about £30k and we want to buy a flat", ["£30k"]),
])
def test_a_sum_about_the_writer(text, expected):
    assert values(R, text) == expected


@pytest.mark.parametrize("text", [
    "is $999 too much for a laptop?",
    "The company reported revenue of $2.3 million in 2021.",
    "I want to buy a phone under $500, what do you suggest?",  # no money of the writer's
    "Tesla's debt rose to $5 billion. I think that's bad.",  # the writer's sentence holds no sum
    "I have 3 kids and 2 dogs",
])
def test_a_sum_that_is_no_fact_about_the_writer(text):
    assert values(R, text) == []


@pytest.mark.parametrize("text, expected", [
    ("my credit score is 540 so can I still get a mortgage?", ["540"]),
    ("my fico dropped to 580 after the divorce", ["580"]),
    ("What credit score do you need for a mortgage, is 620 enough?", []),  # nobody's score
    ("my credit score went up 40 points", []),  # no score's value
])
def test_a_credit_score_of_the_writers(text, expected):
    assert values(R, text) == expected


def test_a_score_stand_in_is_a_number_of_the_same_scale():
    from detector.standins import StandInSession
    from detector.store import InMemoryStore
    session = StandInSession(InMemoryStore(), "scores", "")
    out = session.standin("540", C.FINANCE)
    assert out.isdigit() and out != "540" and 540 * 0.8 <= int(out) <= 540 * 1.2


def test_a_sum_inside_the_models_phrase_of_the_same_kind_is_the_phrases():
    text = "i owe about $48k in student loans"
    phrase = Span(2, 33, text[2:33], C.FINANCE, Layer.MODEL, 0.8)
    [rule] = R.find(text)
    assert resolve([rule, phrase]) == [phrase]  # not "owe about" | "$48k" | "in student loans"
    other = Span(2, 33, text[2:33], C.LEGAL, Layer.MODEL, 0.8)
    assert rule in resolve([rule, other])  # another kind's phrase does not claim it
