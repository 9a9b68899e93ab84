"""Organisations given as a labelled field ("Employer: Mall-Deshpande", "Company: Cyber
Silver", "School: Brookfield Elementary"): the field says whose it is, however unknown the name."""
from __future__ import annotations

import re

from detector.categories import Category
from detector.rules.base import FieldRecognizer, field_regex

LABELS = field_regex([
    "employer", "company", "company name", "workplace", "place of work", "works at",
    "organisation", "organization", "school", "university", "college", "hospital", "clinic",
    "firm", "agency",
])  # not "work", "office", "team": "Office: 9am-5pm", "Team: backend"
# A name: letters, digits, "&", "'", "-", ".", "," up to eight words, with a letter in it.
NAME = re.compile(r"(?=.*[^\W\d_])[\w&'’.\-]+(?:[ ,]+[\w&'’.\-]+){0,7}")
NOT_NAMES = frozenset("""n/a na none unknown self self-employed freelance freelancer unemployed
retired student homemaker various tbd tba other private undisclosed confidential nil null
remote""".split())


class OrgRecognizer(FieldRecognizer):
    category = Category.ORG
    LABELS, SHAPE, NOT_VALUES = LABELS, NAME, NOT_NAMES
    score = 0.55
