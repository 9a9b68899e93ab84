"""A legal matter told as one's own or a relative's: "I got charged with a DUI", "my court date
is next Tuesday", "my husband has a restraining order against him", "my son was charged for
shoplifting". The learned tagger finds "I'm on probation" but misses many of these (measured on
made-up probes written in the style of the held-out prompts: 4 of 8 missed). A record's noun
counts only right after the words that make it someone's (my / I have a / was charged with ...);
the same noun as the topic of a question ("what is a restraining order?") is nobody's. The
stand-in swaps it for another matter of the same kind (detector/standins/lexicons.py, LEGAL).
"""
from __future__ import annotations

import re

from detector.categories import Category
from detector.rules.base import Recognizer
from detector.span import Layer, Span

MATTERS = (
    "dui", "dwi", "owi", "felony", "felony conviction", "misdemeanor", "misdemeanour",
    "restraining order", "protective order", "court date", "court hearing", "custody hearing",
    "custody battle", "probation", "parole", "bench warrant", "arrest warrant", "criminal record",
    "shoplifting", "shoplifting charge", "possession charge", "assault charge", "domestic violence charge",
    "trespassing charge", "drunk driving", "eviction", "eviction notice", "deportation order",
    "speeding ticket", "traffic ticket", "reckless driving", "reckless driving charge", "hit and run",
    "lawsuit", "criminal charge", "criminal charges", "jail time", "prison sentence", "suspended license",
    "suspended licence",
)
_MATTER = "|".join(sorted((re.escape(m).replace(r"\ ", r"\s+") for m in MATTERS), key=len, reverse=True))
# Whose it is, right before it: "my (own) court date", "I have a felony", "my son got a DUI",
# "I'm on probation", "was charged with / for", "was arrested for", "was convicted of".
_SUBJECT = r"(?:i|we|he|she|they|my\s+[a-z]+)"
_HAVING = (r"(?:have|has|had|got|get|received|'ve\s+got|am\s+on|'m\s+on|is\s+on|was\s+on|were\s+on|"
           r"(?:was|were|got|been|am|is|'m)\s+(?:charged\s+(?:with|for)|arrested\s+for|convicted\s+of|"
           r"cited\s+for|booked\s+for)|pleaded\s+guilty\s+to)")
OWN_MATTER = re.compile(
    rf"(?i)(?:\bmy\s+(?:own\s+|next\s+|first\s+|second\s+)?|\b{_SUBJECT}\s*{_HAVING}\s+)"
    rf"(?P<value>(?:an?\s+)?(?:{_MATTER}))\b")
TRIGGERS = ("dui", "dwi", "owi", "felon", "misdemean", "order", "court", "custody", "probation",
            "parole", "warrant", "criminal", "shoplift", "charge", "drunk", "evict", "ticket", "reckless",
            "hit and run", "lawsuit", "jail", "prison", "suspended")


class LegalRecognizer(Recognizer):
    category = Category.LEGAL

    def find(self, text: str) -> list[Span]:
        lowered = text.lower()
        if not any(t in lowered for t in TRIGGERS):
            return []
        return [Span(m.start("value"), m.end("value"), m.group("value"), self.category, Layer.RULES, 0.7,
                     source="legal/own_matter") for m in OWN_MATTER.finditer(text)]
