"""Places given as a labelled field of a post, a form or a listing: "Location: Giridih",
"General Location: Chandrapur (for local pickup)", "Hometown: Saharsa", "City: Vellore". Free
places in prose are the model's and the names layer's; a field says outright that the place is
someone's, where a small model guesses and often misses (SPIA's posts: 25 of 34 places missed).
Also a nationality said of someone ("a Turkish national"): NationalityRecognizer, below."""
from __future__ import annotations

import re

from detector.categories import Category
from detector.rules.base import FieldRecognizer, Recognizer, field_regex
from detector.span import Layer, Span
from detector.standins import geo

LABELS = field_regex([
    "location", "city", "town", "hometown", "home town", "village", "district", "county",
    "province", "country", "country of residence", "residence", "place of birth", "birthplace",
    "born in", "lives in", "based in", "neighbourhood", "neighborhood", "suburb", "locality",
    "current location", "pickup",
])  # not "state", "region", "area": "State: Running", "Region: us-east-1", "Area: kitchen"
# A place's name: letters, spaces, hyphens, apostrophes and dots, up to five words.
PLACE = re.compile(r"[^\W\d_][^\W\d_'’.\- ]*(?:[ '’.\-]+[^\W\d_]+){0,4}\.?")
# "Hajipur, Bihar", "Springfield, IL": a place and the places it lies in, each capitalised.
PLACE_LIST = re.compile(PLACE.pattern + r"(?:,\s*[A-Z][^\W\d_'’.\- ]*(?:[ '’.\-]+[^\W\d_]+){0,3}\.?)*")
# What forms put where the place is not given or is nobody's.
NOT_PLACES = frozenset("""n/a na none unknown remote online anywhere worldwide global globally
here there home earth various tbd tba same other hidden private undisclosed everywhere
not specified nil null running pending active inactive open closed done completed failed
enabled disabled ready new draft approved rejected true false ok yes no""".split())


class LocationRecognizer(FieldRecognizer):
    category = Category.LOCATION
    LABELS, SHAPE, NOT_VALUES = LABELS, PLACE_LIST, NOT_PLACES

    def cut(self, value: str) -> str:
        # "chennai, pls help": the place is the first part
        return value if PLACE_LIST.fullmatch(value) else value.split(",")[0].rstrip()


# --- a nationality said of someone -------------------------------------------------------------
# "a Turkish national", "Polish citizens", "of Kurdish origin",
# "a Nigerian-born nurse". Court decisions and forms state it as a fact about a person, one of the
# quasi-identifiers that single someone out with a date and a town; the tagger misses it in the third
# person ("The applicant is a Turkish national"). Alone, as a topic ("Turkish cuisine"), it is no
# one's and stays. LOCATION: a nationality is a fact of place, not a belief (its stand-in is another
# nationality, detector/standins/location.py).
_NATIONALITY = r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?"
# Said of someone, not of a group in general ("Can British nationals work in the EU?"): after a
# copula or "as" ("is a Turkish national", "as a Polish citizen"), in apposition ("Mr Jan Kowalski,
# a Polish citizen born in 1958"), a count ("two Polish citizens") or an article before "-born".
_OF_SOMEONE = (r"(?:(?:is|was|am|are|were|be|being|been|as|became|becomes)\s+(?:a|an)|"
               r"(?:are|were|both|two|three|four)|(?:is|was|am|are|were|be|being|been))")
SAID_OF_SOMEONE = re.compile(
    rf"(?:\b{_OF_SOMEONE}|\b[A-Z][\w'’-]*,\s*(?:a|an))\s+(?P<after>{_NATIONALITY})\s+(?:nationals?|citizens?)\b"
    rf"|\b(?:a|an|the|is|was|am)\s+(?P<born>{_NATIONALITY})-born\b"
    rf"|\b(?:is|was|am|are|were|be|being|been|['’]s|['’]m)\s+of\s+(?P<before>{_NATIONALITY})\s+"
    r"(?:origin|descent|nationality|ethnicity|heritage|parentage|background)\b"
)
NATIONALITY_TRIGGERS = ("national", "citizen", "-born", "origin", "descent", "ethnicity", "heritage",
                        "parentage", "background")


class NationalityRecognizer(Recognizer):
    category = Category.LOCATION

    def find(self, text: str, regions: list[tuple[int, int]] | None = None) -> list[Span]:
        lowered = text.lower()
        if not any(t in lowered for t in NATIONALITY_TRIGGERS):
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
