"""A nationality said of someone: "a Turkish national", "Polish citizens", "of Kurdish origin",
"a Nigerian-born nurse". Court decisions and forms state it as a fact about a person, one of the
quasi-identifiers that single someone out with a date and a town; the tagger misses it in the third
person ("The applicant is a Turkish national"). Alone, as a topic ("Turkish cuisine"), it is no
one's and stays. LOCATION: a nationality is a fact of place, not a belief (its stand-in is another
nationality, detector/standins/location.py)."""
from __future__ import annotations

import re

from detector.categories import Category
from detector.rules.base import Recognizer
from detector.span import Layer, Span
from detector.standins import geo

_NAME = r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?"
# Said of someone, not of a group in general ("Can British nationals work in the EU?"): after a
# copula or "as" ("is a Turkish national", "as a Polish citizen"), a count ("two Polish citizens")
# or an article before "-born".
_OF_SOMEONE = r"(?:(?:is|was|am|are|were|be|being|been|as|became|becomes)\s+(?:a|an)|(?:are|were|both|two|three|four|all\s+three)|(?:is|was|am|are|were|be|being|been))"
SAID_OF_SOMEONE = re.compile(
    rf"\b{_OF_SOMEONE}\s+(?P<after>{_NAME})\s+(?:nationals?|citizens?)\b"
    rf"|\b(?:a|an|the|is|was|am)\s+(?P<born>{_NAME})-born\b"
    rf"|\b(?:is|was|am|are|were|be|being|been|['’]s|['’]m)\s+of\s+(?P<before>{_NAME})\s+"
    r"(?:origin|descent|nationality|ethnicity|heritage|parentage|background)\b"
)
TRIGGERS = ("national", "citizen", "-born", "origin", "descent", "ethnicity", "heritage", "parentage",
            "background")


class NationalityRecognizer(Recognizer):
    category = Category.LOCATION

    def find(self, text: str, regions: list[tuple[int, int]] | None = None) -> list[Span]:
        lowered = text.lower()
        if not any(t in lowered for t in TRIGGERS):
            return []
        spans = []
        for m in SAID_OF_SOMEONE.finditer(text):
            group = next(g for g in ("after", "born", "before") if m.group(g) is not None)
            start, end = m.span(group)
            if regions is not None and not any(a <= start and end <= b for a, b in regions):
                continue
            if geo.is_nationality(m.group(group)):
                spans.append(Span(start, end, m.group(group), self.category, Layer.RULES, 0.7,
                                  source="location/nationality"))
        return spans
