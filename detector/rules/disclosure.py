"""A health, money or identity fact told as one's own or a relative's: "I suffer from migraines",
"my wife has early onset alzheimers", "I take 50mg of zoloft", "we're in foreclosure", "I filed
for bankruptcy", "I'm a practicing Catholic", "I was fired". The learned tagger finds many such
phrases and misses many more (made-up probes in the style of the held-out prompts: 13 of 20
missed or of the wrong kind). A term of Doppel's contextual lexicons (one source with the
stand-ins, detector/standins/lexicons.py) counts only right after the words that make it
someone's: "I" / "we" / "my <relation>" and a verb of having, suffering, taking or being, or
"my" itself ("my eating disorder"). The same term as a question's topic ("what causes
migraines?", "a patient with diabetes") is nobody's; the stand-in swaps it for another of its
group, so the sentence reads as before.
"""
from __future__ import annotations

import functools
import re

from detector.categories import Category
from detector.rules.base import Recognizer
from detector.span import Layer, Span
from detector.standins.lexicons import LEXICONS
from detector.text import RELATION_CUE

# The lexicon groups a rule may claim: facts, not everyday nouns (RELATIONSHIP's "wife", WORK's
# job titles and the verbs of LEGAL are left to the tagger; rules/legal.py takes legal matters).
GROUPS = {
    Category.HEALTH: ("condition", "mental", "medication", "procedure", "reproductive", "addiction"),
    Category.FINANCE: ("debt", "event"),
    Category.BELIEF_IDENTITY: ("religion", "sexuality", "gender"),
    Category.WORK: ("event",),
}
_SUBJECT = rf"(?:\bi|\bwe|{RELATION_CUE})"
_VERB = (r"(?:have|has|had|got|get|'ve\s+got|'ve\s+had|'ve\s+been|'m|am|is|are|'re|was|were|been|"
         r"suffer(?:s|ed|ing)?\s+from|deal(?:s|t|ing)?\s+with|struggl(?:e|es|ed|ing)\s+with|"
         r"liv(?:e|es|ing)\s+with|diagnosed\s+with|recovering\s+from|in\s+recovery\s+from|"
         r"in\s+therapy\s+for|(?:being\s+)?treated\s+for|battling|fighting|take|takes|taking|took|"
         r"filed\s+for|behind\s+on|identify\s+as|came\s+out\s+as|converted\s+to|got)")
# Two verbs may chain: "'m recovering from", "'ve been taking", "was diagnosed with".
# Words that may stand between the verb and the term: "a", "stage 3", "early onset", "50mg of".
_FILLER = (r"(?:a|an|the|some|on|in|severe|chronic|mild|bad|really|terrible|minor|major|practicing|"
           r"practising|devout|lapsed|openly|early[- ]onset|late[- ]stage|stage\s+\w+|\d+\s?mg(?:\s+of)?)")


@functools.cache
def _terms() -> tuple[re.Pattern, dict[str, Category]]:
    category_of: dict[str, Category] = {}
    for category, groups in GROUPS.items():
        for group in groups:
            for term in LEXICONS[str(category)][group]:
                bare = re.sub(r"^(?:a|an)\s+", "", term.lower())
                category_of.setdefault(bare, category)
    alternation = "|".join(re.escape(t).replace(r"\ ", r"\s+").replace("'", "['’]?")
                           for t in sorted(category_of, key=len, reverse=True))
    pattern = re.compile(
        rf"(?i)(?:\bmy\s+|{_SUBJECT}\s*{_VERB}(?:\s+{_VERB})?(?:\s+{_FILLER}){{0,3}}?\s+)"
        rf"(?P<value>(?:(?:a|an)\s+)?(?:{alternation}))(?![\w'’-])")
    return pattern, category_of


class DisclosureRecognizer(Recognizer):
    category = Category.HEALTH  # each span takes its term's category

    def warm(self) -> None:
        _terms()

    def find(self, text: str) -> list[Span]:
        pattern, category_of = _terms()
        spans = []
        for m in pattern.finditer(text):
            value = m.group("value")
            bare = re.sub(r"(?i)^(?:a|an)\s+", "", value).lower().replace("’", "'")
            category = category_of.get(re.sub(r"\s+", " ", bare)) or category_of.get(bare.replace("'", ""))
            if category is None:
                continue
            spans.append(Span(m.start("value"), m.end("value"), value, category, Layer.RULES, 0.7,
                              source=f"{category.lower()}/disclosure"))
        return spans
