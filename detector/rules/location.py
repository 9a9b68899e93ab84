"""Places given as a labelled field of a post, a form or a listing: "Location: Giridih",
"General Location: Chandrapur (for local pickup)", "Hometown: Saharsa", "City: Vellore". Free
places in prose are the model's and the names layer's; a field says outright that the place is
someone's, where a small model guesses and often misses (SPIA's posts: 25 of 34 places missed)."""
from __future__ import annotations

import re

from detector.categories import Category
from detector.rules.base import FieldRecognizer, field_regex

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
