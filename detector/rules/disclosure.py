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
from detector.text import RELATION_CUE, words_regex

# The lexicon groups a rule may claim: facts, not everyday nouns (RELATIONSHIP's "wife", WORK's
# job titles and the verbs of LEGAL are left to the tagger; rules/legal.py takes legal matters).
GROUPS = {
    Category.HEALTH: ("condition", "mental", "medication", "procedure", "reproductive", "addiction"),
    Category.FINANCE: ("debt", "event"),
    Category.BELIEF_IDENTITY: ("religion", "sexuality", "gender"),
    Category.WORK: ("event",),
    Category.RELATIONSHIP: ("status", "event"),  # "I'm divorced", "since my divorce"; not "wife"
}
_SUBJECT = rf"(?:\bi|\bwe|{RELATION_CUE})"
_VERB = (r"(?:have|has|had|got|get|'ve\s+got|'ve\s+had|'ve\s+been|'m|am|is|are|'re|was|were|been|"
         r"suffer(?:s|ed|ing)?\s+from|deal(?:s|t|ing)?\s+with|struggl(?:e|es|ed|ing)\s+with|"
         r"liv(?:e|es|ing)\s+with|diagnosed\s+with|recovering\s+from|in\s+recovery\s+from|"
         r"in\s+therapy\s+for|(?:being\s+)?treated\s+for|battling|fighting|take|takes|taking|took|"
         r"filed\s+for|behind\s+on|identify\s+as|came\s+out\s+as|converted\s+to|"
         r"(?:been\s+)?(?:trying|tried|doing|did|going\s+through|went\s+through|started|starting|on))")
# Statuses that are also plain verbs: one only where no preposition of the verb follows.
_VERB_LIKE = frozenset({"engaged", "separated"})
_NOT_A_STATUS = re.compile(r"(?i)\s+(?:in|from|by|with|into|on|at)\b")
# A noun after the term that makes it a field of work or a cause: "I did cancer research",
# "I'm doing a depression awareness walk".
_TOPIC_AFTER = re.compile(r"(?i)\s+(?:research|researcher|awareness|stud(?:y|ies)|charity|foundation|society|"
                          r"fundraiser|walk|ward|unit|industry|policy|law|laws|reform|lawyer|attorney|"
                          r"specialist|nurse|doctor|counsel(?:l?or|l?ing))\b")
CUE_REACH = 80  # characters before a term in which its cue must end
# Two verbs may chain: "'m recovering from", "'ve been taking", "was diagnosed with".
# Words that may stand between the verb and the term: "a", "stage 3", "early onset", "50mg of".
_FILLER = (r"(?:a|an|the|some|on|in|severe|chronic|mild|bad|really|terrible|minor|major|practicing|"
           r"practising|devout|lapsed|openly|early[- ]onset|late[- ]stage|stage\s+\w+|\d+\s?mg(?:\s+of)?)")
# One word of its own may stand right before the term: "stage 4 lung cancer", "a nasty divorce"
# (not a word that makes the term a topic: "a question about cancer", "no diabetes").
_MODIFIER = r"(?:(?!(?:about|no|not|any|of|for|with|without|than|like|what|how|why)\s)[a-z][a-z'-]+\s+)?"


@functools.cache
def _terms() -> tuple[re.Pattern, re.Pattern, dict[str, Category], frozenset[str]]:
    """The terms (one trie regex: a flat alternation of ~200 was 0.24 ms per 200 words), the cue
    that must end right before one, each bare term's category, and the bare terms the lexicon
    writes with an article ("a stroke": the article is part of the span, so its stand-in "a
    heart attack" reads; "a Muslim" keeps its article outside)."""
    category_of: dict[str, Category] = {}
    with_article: set[str] = set()
    for category, groups in GROUPS.items():
        for group in groups:
            for term in LEXICONS[str(category)][group]:
                bare = re.sub(r"^(?:a|an)\s+", "", term.lower())
                for form in (bare, bare.replace("'", "’")):
                    category_of.setdefault(form, category)
                    if bare != term.lower():
                        with_article.add(form)
    terms = words_regex(category_of)
    cue = re.compile(
        rf"(?i)(?:\bmy\s+|{_SUBJECT}\s*{_VERB}(?:\s+{_VERB})?(?:\s+{_FILLER}){{0,3}}?\s+)(?P<article>(?:a|an)\s+)?"
        rf"{_MODIFIER}$")
    return terms, cue, category_of, frozenset(with_article)


class DisclosureRecognizer(Recognizer):
    category = Category.HEALTH  # each span takes its term's category

    def warm(self) -> None:
        _terms()

    def find(self, text: str) -> list[Span]:
        terms, cue, category_of, with_article = _terms()
        spans = []
        for m in terms.finditer(text):
            before = cue.search(text, max(0, m.start() - CUE_REACH), m.start())
            bare = re.sub(r"\s+", " ", m.group().lower())
            category = category_of.get(bare)
            if before is None or category is None:
                continue
            if bare in _VERB_LIKE and _NOT_A_STATUS.match(text, m.end()):
                continue  # "I was engaged in a debate", "we were separated from the group"
            if _TOPIC_AFTER.match(text, m.end()):
                continue  # "I did cancer research", "I'm a bankruptcy lawyer"
            start = before.start("article") if before.group("article") and bare in with_article else m.start()
            spans.append(Span(start, m.end(), text[start:m.end()], category, Layer.RULES, 0.7,
                              source=f"{category.lower()}/disclosure"))
        return spans


# Kinds whose terms name a fact whatever a layer took them for ("epilepsy" is an illness even
# where the tagger read a town); religions and the like are judged by the precision stage's
# own checks (detector/precision/groups.py).
_FACT_KINDS = frozenset({Category.HEALTH, Category.FINANCE})


def fact_kind(value: str) -> Category | None:
    """The kind of a health or money term of the lexicons written alone ("epilepsy", "a
    miscarriage", "foreclosure"), or None."""
    bare = re.sub(r"^(?:a|an)\s+", "", re.sub(r"\s+", " ", value.strip().lower()))
    category = _terms()[2].get(bare)
    return category if category in _FACT_KINDS else None
