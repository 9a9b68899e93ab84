"""Is a phrase a fact about the user or someone they know, or the topic of a question?

The seed paper's privacy phrases (arXiv 2505.20910) are facts that link to the user or a
person they know: "I moved to Spain", "my sister works at Google". The same names as the topic
of a question ("What is the capital of Australia?", "Google fears it") tell nothing about
anyone. The difference is in the words around the phrase, inside its sentence: a possessive
("my", "her"), a relation word ("my sister"), a subject with a verb of a personal fact ("I
moved", "she works"), or a person's name found in the same sentence. Any of them keeps the phrase protected (docs/architecture.md#detection).
"""
from __future__ import annotations

import re

from detector.names.layer import CUES as NAME_CUES
from detector.text import words_regex

# Possessives tie what follows to a person ("my company", "her hometown").
POSSESSIVE = words_regex(["my", "mine", "our", "ours", "his", "her", "hers", "myself", "ourselves"])
# A subject pronoun with a verb of a personal fact ("I moved to", "we're from", "she works at").
# A pronoun alone is not enough: "can I ask about Australia?" holds no fact about anyone.
_SUBJECT = r"(?:i|we|he|she|you|i'm|im|we're|he's|she's|you're|i've|we've|you've|i'd|i'll)"
_FACT = (r"(?:live[sd]?|living|mov(?:e|es|ed|ing)|born|from|work(?:s|ed|ing)?|stud(?:y|ies|ied|ying)|"
         r"go(?:es|ing)?|went|visit(?:s|ed|ing)?|travel(?:s|led|ed|ling|ing)?|stay(?:s|ed|ing)?|grew|"
         r"raised|citizen|resid(?:e|es|ed|ing)|relocat\w*|attend\w*|employed|"
         r"hired|appl(?:y|ied|ying)|located|headquartered|situated|settled|stationed|retired|teach(?:es|ing)?|"
         r"taught|sell(?:s|ing)?|operat(?:e|es|ing)|serv(?:e|es|ing)|fast(?:s|ing)?|pray(?:s|ed|ing)?|"
         r"believe[sd]?|vot(?:e|es|ed|ing)|identif(?:y|ies|ied)|"
         r"intern\w*|join(?:s|ed|ing)?|based|married|engaged|own(?:s|ed)?|run(?:s|ning)?|lead(?:s|ing)?)")
SUBJECT_FACT = re.compile(r"(?<!\w)" + _SUBJECT + r"(?!\w)(?:\W+\w+){0,3}?\W+" + _FACT + r"(?!\w)", re.IGNORECASE)
# "I am Egyptian", "she was a Catholic": a copula right before the phrase. ("I am writing an
# essay about Australia" holds a copula too, far from the name.)
COPULA_BEFORE = re.compile(r"(?<!\w)" + _SUBJECT + r"(?:\s+(?:am|are|is|was|were)|'m|'re|'s)(?:\W+\w+){0,2}?\W+$",
                           re.IGNORECASE)
# "my wife", "our landlord": the relation words of the names layer, one list.
RELATION = re.compile(NAME_CUES["relation"].replace(r"my\s+", r"(?:my|our|his|her|their)\s+", 1), re.IGNORECASE)
# A sentence ends at . ! ? ; or a line break, but not after an initial or a title ("Dr. A. at").
SENTENCE_BREAK = re.compile(r"(?<!\b[A-Z])(?<!\b(?:Dr|Mr|Ms|St|Jr|Sr|vs|No|pt))(?<!\bMrs)[.!?;](?=\s|$)|\n")
# Words that make a sentence about the user's own situation without a pronoun ("Write an
# application letter for Google", "Interview at Acme on Monday").
SITUATION = words_regex([
    "apply", "applying", "applied", "application", "interview", "interviewing", "hired", "job at",
    "position at", "role at", "internship", "offer letter", "employer", "graduated", "enrolled",
    "admission", "admitted", "visa", "relocation", "moving to", "trip to", "flight to",
    # a patient's or client's visit, told in the third person
    "pt", "patient", "seen at", "seen by", "treated at", "checked in", "underwent", "referred",
    "discharged", "diagnosed at", "hospitalized", "hospitalised", "visited", "stayed at",
])
# A text that describes its writer (a CV, a cover letter, a profile): every name in it is
# about the user, pronouns or not.
SELF_DESCRIPTION = words_regex([
    "resume", "résumé", "cv", "curriculum vitae", "cover letter", "motivation letter",
    "personal statement", "linkedin profile", "my profile", "about me", "my bio",
    "work experience", "professional experience", "employment history", "education history",
])
REACH = 80  # characters either side, inside the sentence


def sentence_around(text: str, start: int, end: int, reach: int = REACH) -> tuple[int, int]:
    """The part of the sentence holding text[start:end], at most `reach` characters either side."""
    lo = max(0, start - reach)
    hi = min(len(text), end + reach)
    for m in SENTENCE_BREAK.finditer(text, lo, start):
        lo = m.end()
    stop = SENTENCE_BREAK.search(text, end, hi)
    return lo, (stop.start() if stop else hi)


def personal(text: str, start: int, end: int, people: list[tuple[int, int]] = (), *,
             possessive: bool = True) -> bool:
    """A personal cue in the sentence around text[start:end]: a relation word, a subject with a
    verb of a personal fact, a situation word, one of `people` (spans of persons and personal
    dates found in the text), or (if `possessive`) a possessive. A possessive is weak evidence
    for a well-known name ("my Google account" says little: everyone has one)."""
    lo, hi = sentence_around(text, start, end)
    if COPULA_BEFORE.search(text, max(lo, start - 40), start):
        return True
    if (RELATION.search(text, lo, hi) or SUBJECT_FACT.search(text, lo, hi) or SITUATION.search(text, lo, hi)
            or (possessive and POSSESSIVE.search(text, lo, hi))):
        return True
    return any(lo <= s and e <= hi and not (s <= start < e) for s, e in people)


def describes_writer(text: str) -> bool:
    """The text is a CV, cover letter or profile of its writer."""
    return bool(SELF_DESCRIPTION.search(text))


# A name the text gives the assistant or a made-up character: "act as Leo", "you are now DAN",
# "pretend to be Marcus", "a short story about a dragon named Ember". It is nobody's, wherever it
# appears in the text (a jailbreak prompt names its persona a dozen times).
_NAME = r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
PERSONA_INTRO = re.compile(
    r"(?:\b(?i:act(?:ing)?\s+as|pretend(?:ing)?\s+to\s+be|pretend\s+(?:that\s+)?you(?:'re|\s+are)|"
    r"you\s+are\s+now|you're\s+now|you\s+will\s+(?:now\s+)?(?:be|act\s+as|play)|"
    r"role-?\s?play(?:ing)?\s+as|play(?:ing)?\s+the\s+(?:role|part)\s+of|your\s+name\s+(?:is|will\s+be)|"
    r"call\s+yourself|(?:character|persona|chatbot|bot)\s+(?:named|called))"
    r"|(?i:\b(?:story|stories|poem|tale|novel|fanfic\w*|fan\s+fiction|screenplay|script|fable|rpg)\b)"
    r"[^.!?\n]{0,80}?\b(?i:named|called))\s+(?:(?i:an?|the)\s+)?" + _NAME)
# ...unless the text ties it to someone: a relation of the writer's shortly before ("a story
# about my son named Jake", "Act as a friend of my mom. Your name is Jessica.") or in front of
# the name anywhere ("my friend Leo").
PERSONA_TIE_REACH = 120


def personas(text: str) -> frozenset[str]:
    """The folded names the text gives a persona or a made-up character, and their first words."""
    out = set()
    for m in PERSONA_INTRO.finditer(text):
        name = m.group("name")
        if RELATION.search(text, max(0, m.start("name") - PERSONA_TIE_REACH), m.start("name")) or re.search(
                r"(?i)\b(?:my|our|his|her|their)\s+(?:[a-z-]+\s+){0,2}" + re.escape(name) + r"\b", text):
            continue
        out.add(name.casefold())
        out.add(name.split()[0].casefold())
    return frozenset(out)
