"""detector/rules/location.py, NationalityRecognizer: a nationality said of someone is a place fact about them."""
import pytest

from detector.categories import Category
from detector.rules.location import NationalityRecognizer

RULE = NationalityRecognizer()


def found(text: str) -> list[tuple[str, Category]]:
    spans = RULE.find(text)
    assert all(text[s.start:s.end] == s.text for s in spans)
    return [(s.text, s.category) for s in spans]


@pytest.mark.parametrize("text, value", [
    ("The applicant is a Turkish national who was detained at Kartal Prison.", "Turkish"),
    ("The applicants, two Polish citizens, complained about the proceedings.", "Polish"),
    ("a Nigerian-born nurse working in Leeds", "Nigerian"),
    ("My wife is of Vietnamese descent and her parents speak little English", "Vietnamese"),
    ("he was a Romanian national employed by the company", "Romanian"),
    ("I'm of Mexican heritage", "Mexican"),
    ("Mr Jan Kowalski, a Polish citizen born in 1958, is a farmer.", "Polish"),  # in apposition
])
def test_a_nationality_said_of_someone(text, value):
    assert found(text) == [(value, Category.LOCATION)]


@pytest.mark.parametrize("text", [
    "Turkish cuisine is famous for kebabs",
    "Can British nationals work in the EU after Brexit?",  # a group in general
    "What does a British citizen need for a visa to India?",
    "a Tuesday-born baby",  # not a nationality
    "is a Senior citizen discount available",
    "For tourists, a British national needs no visa.",  # a comma, but after no one
])
def test_no_nationality_of_anyone(text):
    assert found(text) == []
