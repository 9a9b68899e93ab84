"""detector/rules/legal.py: a legal matter told as one's own or a relative's."""
import pytest

from detector.categories import Category
from detector.rules.legal import LegalRecognizer

RULE = LegalRecognizer()


@pytest.mark.parametrize("text, value", [
    ("I got charged with a DUI in 2019 and need a job", "a DUI"),
    ("my son was charged for shoplifting at the mall", "shoplifting"),
    ("my court date is next Tuesday and I'm nervous", "court date"),
    ("my husband has a restraining order against him", "a restraining order"),
    ("I'm on probation until March", "probation"),
    ("she was convicted of drunk driving twice", "drunk driving"),
    ("I HAVE A FELONY and need a job", "A FELONY"),
    ("I got a speeding ticket last week and my insurance went up", "a speeding ticket"),
    ("my husband got a reckless driving charge", "a reckless driving charge"),
])
def test_a_legal_matter_of_ones_own(text, value):
    assert [(s.text, s.category) for s in RULE.find(text)] == [(value, Category.LEGAL)]


@pytest.mark.parametrize("text", [
    "what is a restraining order and how do I get one?",  # the topic of a question
    "Write an essay about probation reform in the US",
    "how long does a DUI stay on a record in Ohio?",
    "my essay compares parole systems",  # "my" owns the essay, not a parole
    "What is the penalty for a speeding ticket in Ohio?",
])
def test_a_legal_matter_as_a_topic_is_nobodys(text):
    assert RULE.find(text) == []


# Their stand-ins: tests/detector/test_rules_disclosure.py (only the fact changes, for both rules).
