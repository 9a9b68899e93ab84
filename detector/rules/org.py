"""Organisations given as a labelled field ("Employer: Mall-Deshpande", "Company: Cyber
Silver", "School: Brookfield Elementary"): the field says whose it is, however unknown the name."""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from detector.categories import Category
from detector.rules.base import Recognizer, field_regex, field_values
from detector.span import Layer, Span

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


class OrgRecognizer(Recognizer):
    category = Category.ORG

    def find(self, text: str) -> list[Span]:
        if ":" not in text:
            return []
        spans = []
        for start, end in field_values(text, LABELS):
            value = text[start:end]
            if not NAME.fullmatch(value) or value.lower() in NOT_NAMES or value.lower() in STOP_WORDS:
                continue
            spans.append(Span(start, end, value, self.category, Layer.RULES, 0.55, source=self.source("field")))
        return spans
