"""Parsing the model's "LABEL phrase" lines."""
import pytest

from detector.categories import Category
from detector.llm.parse import parse_output


@pytest.mark.parametrize("output,expected", [
    ("HEALTH diagnosed with bipolar II\nORG Deloitte",
     [(Category.HEALTH, "diagnosed with bipolar II"), (Category.ORG, "Deloitte")]),
    ("NONE", []),
    ("", []),
    ("BELIEF As a Muslim", [(Category.BELIEF_IDENTITY, "As a Muslim")]),
    ("PERSON: Dana Whitfield", [(Category.PERSON, "Dana Whitfield")]),          # colon after label
    ("- FINANCE owe 38k", [(Category.FINANCE, "owe 38k")]),                     # bullet
    ('LOCATION "Tulsa".', [(Category.LOCATION, "Tulsa")]),                      # quotes, full stop
    ("name Priya", [(Category.PERSON, "Priya")]),                               # synonym, lower case
    ("MONEY $8000 a month", [(Category.FINANCE, "$8000 a month")]),
    ("FOOD pizza\nHEALTH asthma", [(Category.HEALTH, "asthma")]),               # unknown label dropped
    ("HEALTH asthma\nHEALTH asthma", [(Category.HEALTH, "asthma")]),            # repeat dropped
    ("HEALTH asthma\n\nMessage: next example\nPERSON Bob", [(Category.HEALTH, "asthma")]),  # stops at blank line
    ("just some prose without a label", []),
    ("PERSON NONE", []),
])
def test_parse_output(output, expected):
    assert parse_output(output) == expected
