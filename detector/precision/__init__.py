"""The precision stage: after resolution, drop what was found but is not private.

Replacing what is not private costs the user the answer they came for and protects no one
(issue #16: 6.8 such replacements per PUPA_New prompt). The stage judges the spans of the
model and lexicon layers (NER, names, LLM, any other but the rules) and a few rule findings by
where they stand:
- code (detector/precision/code.py): inside code, markup, logs and data, a name-like span is
  kept only with strong evidence (the same name kept outside the code, or a cue such as
  "author:"); a word written as a code identifier ("innerHandler", "self.Name", "Uri(") is
  never a name, anywhere; a bare domain used as a key in code ("kubernetes.io/ingress.class:")
  is not a link;
- public knowledge (detector/precision/public.py): a country or world region, a well-known
  organisation or a public figure is left alone as the topic of a question, and kept as a fact
  about a person ("I moved to Spain", "my sister works at Google": detector/precision/cues.py);
  so are common-word phrases the small NER model takes for names ("Hydraulic Hoses"), and
  jargon (detector/precision/jargon.py: acronyms the text defines, plural acronyms, "AI-driven",
  a word of another script read by the English model);
- groups (detector/precision/groups.py): a nationality or language is not a belief; about a
  person it becomes a LOCATION (its stand-in another nationality), otherwise it is left alone;
- public documentation and repository URLs (detector/precision/links.py) are left alone unless
  tied to the user ("my repo");
- a learned layer's LEGAL phrase in a sentence with no word of the law (detector/precision/
  senses.py): "I was charged twice for my subscription" is a bill, not a crime;
- a piece of a machine token (a hash, digest, SRI string, UUID, base64 blob or version string,
  detector/precision/code.py) is never a name or a number: only a secret rule may claim one.
Whatever one mention of a name gets, all its mentions get: a name kept in one sentence is kept
everywhere, or its other mentions would leak it.

`strict` names categories the stage leaves untouched (the user's "strict" policy: replace
everything found in them). Rule findings with a checksum and secrets are never dropped.
"""
from __future__ import annotations

import re
from dataclasses import replace

from detector import spelled_digits
from detector.categories import CONTEXTUAL, Category
from detector.names.layer import NAMING_CUE_SOURCE
from detector.names.lexicon import capitalised_words, first_names, is_english_word, last_names
from detector.precision import code, cues, groups, jargon, links, public, senses
from detector.rules.disclosure import fact_kind
from detector.span import Layer, Span
from detector.standins import geo
from detector.standins.casing import fold
from detector.standins.collisions import everyday_words
from detector.standins.date import MONTH_NAMES, WEEKDAYS
from detector.standins.org import KIND_WORDS  # kinds of organisation: one list with the stand-ins

# Categories a model layer reports by reading names; these are what the stage judges.
NAME_LIKE = frozenset({Category.PERSON, Category.ORG, Category.LOCATION, Category.USERNAME,
                       Category.BELIEF_IDENTITY, Category.DATE}) | CONTEXTUAL
# Rule findings the stage never drops: secrets (a JWT or key is a credential wherever it is) and
# values whose format was checked or that need a labelled context of their own.
RULES_NEVER_JUDGED = frozenset({Category.SECRET, Category.EMAIL, Category.CREDIT_CARD,
                                Category.BANK_ACCOUNT, Category.ADDRESS})
# Rule findings that code and configs hold as literals about no one (see judge).
FIELDS_OF_CODE = frozenset({Category.DATE, Category.AGE, Category.LOCATION, Category.ORG})
# Rule findings that make a block of data a record about a person.
PERSONAL_RECORD = frozenset({Category.EMAIL, Category.PHONE, Category.ADDRESS, Category.ID_NUMBER,
                             Category.CREDIT_CARD, Category.BANK_ACCOUNT})
# Cues that tie a name inside code to a person ("author: Jane Roe", "Signed-off-by: ...").
CODE_REASONS = ("in code", "identifier")
CODE_PERSON_CUES = ("author", "owner", "maintainer", "copyright", "signed-off-by", "contact",
                    "written by", "created by", "assignee", "reviewer", "committer")


class PrecisionStage:
    def __call__(self, text: str, spans: list[Span], strict: frozenset[str] = frozenset()) -> list[Span]:
        return [verdict for _, verdict, _ in self.explain(text, spans, strict) if verdict is not None]

    def explain(self, text: str, spans: list[Span], strict: frozenset[str] = frozenset()
                ) -> list[tuple[Span, Span | None, str]]:
        """(span, verdict, reason) for every span, in order: the verdict is the span as it
        stays (maybe re-categorised) or None where the text is left alone; the reason names the
        check that decided ("kept" where none did; bench/precision_eval.py counts them)."""
        # A country is a place whatever kind a layer took it for ("Australia" as an unknown
        # capitalised word, an ORG): as a LOCATION it meets the user's policy for places.
        spans = [replace(s, category=Category.LOCATION) if s.layer != Layer.RULES and s.category in (
            Category.PERSON, Category.ORG) and public.is_country_or_region(s.text) else s for s in spans]
        judged = [s for s in spans if str(s.category) not in strict and self._judged(s)]
        if not judged:
            return [(s, s, "kept") for s in spans]
        # A region of data that holds a validated personal value (an e-mail, a phone, an ID...)
        # is a record about someone ("Tenant: ...\nPhone: ..."), not code: names there stand.
        regions = [r for r in code.code_regions(text) if not any(
            s.layer == Layer.RULES and s.category in PERSONAL_RECORD and r[0] <= s.start and s.end <= r[1]
            for s in spans)]
        # Persons and personal dates anchor a sentence to someone's life. (Countries are
        # LOCATIONs by now; a "person" that is a nationality, "French", anchors nothing.)
        # A persona or a made-up character the text names ("act as Leo") is nobody, everywhere.
        made_up = cues.personas(text)
        people = [(s.start, s.end) for s in spans if s.category is Category.DATE or (
            s.category is Category.PERSON and _key(s) not in made_up and not public.is_public_figure(s.text)
            and not public.is_well_known_org(s.text) and not geo.is_nationality(s.text))]
        about_writer = cues.describes_writer(text)
        decided = {id(s): self.judge(text, s, regions, people, about_writer) for s in judged}
        # One verdict per name: a name kept anywhere is kept everywhere, or its other mentions
        # would give it away; except a name written as code (an identifier somewhere): its
        # mentions outside the code regions are code too.
        code_names = {_key(s) for s in judged if decided[id(s)][1] in CODE_REASONS and code.is_code_word(s.text)}
        for s in judged:
            if s.category in (Category.PERSON, Category.ORG) and _key(s) in made_up:
                decided[id(s)] = (None, "persona")
        kept_names = {_key(s) for s in spans if decided.get(id(s), (s,))[0] is not None} - code_names
        out = []
        for span in spans:
            verdict, reason = decided.get(id(span), (span, "kept"))
            if verdict is None and _key(span) in kept_names:
                verdict, reason = span, "kept: same name kept elsewhere"
            out.append((span, verdict, reason))
        return out

    @staticmethod
    def _judged(span: Span) -> bool:
        # Every layer but the rules reads by model or lexicon (NER, names, LLM, the tagger):
        # all their spans are judged, since a learned layer also guesses structured kinds
        # ("processor.handle(batch" as an EMAIL inside a stack trace) without a format check.
        if span.layer != Layer.RULES:
            return True
        return span.category not in RULES_NEVER_JUDGED

    def judge(self, text: str, span: Span, regions, people, about_writer: bool = False) -> tuple[Span | None, str]:
        """(verdict, reason): the span as it should stay (maybe re-categorised) or None to leave
        the text alone, and the check that decided (bench/ counts them)."""
        if span.layer != Layer.RULES and _bare_number(text, span):
            return None, "bare number"  # a JSON number read alone: no context says what it is
        token = code.machine_token_around(text, span.start, span.end)
        if token is not None and not (span.layer == Layer.RULES and (span.start, span.end) == token):
            return None, "machine token"  # a piece of a hash, UUID, base64 blob or version
        if span.layer == Layer.RULES:
            # Dates, ages and labelled places or organisations in code are a log's timestamps,
            # a query's literals, a config's "location: West Europe": nobody's.
            if span.category in FIELDS_OF_CODE and code.inside(regions, span.start, span.end) \
                    and not self._code_evidence(text, span) and not code.record_field(text, span.start):
                return None, "in code"  # a log's timestamps, a query's date literal: nobody's day
            if span.category is Category.DATE and code.machine_timestamp(text, span.start, span.end):
                return None, "machine timestamp"
            if span.category is not Category.URL:
                return span, "kept"
            if links.is_public_link(span.text) and not cues.personal(text, span.start, span.end):
                return None, "public link"
            if code.inside(regions, span.start, span.end) and links.is_code_key(text, span.start, span.end):
                return None, "code key"
            return span, "kept"
        if code.inside(regions, span.start, span.end) and not self._code_evidence(text, span):
            return None, "in code"
        if code.holds_code_call(span.text):
            return None, "code call"  # 'crypto.createHash("sha256").update(...)' read as a secret
        if code.is_mask(span.text):
            return None, "mask"  # "xxxx-xxxx-xxxx" before a card's last digits, read as an e-mail
        if code.is_field_label(text, span.start, span.end):
            return None, "field label"  # "Timestamp:", "City:" read as an organisation
        if _cannot_be(span):
            if any(c.isdigit() for c in span.text):
                return None, "impossible shape"  # "1.004, 95" as a phone: too short for any
            # Words a layer took for a structured kind ("ChatGPT" as an e-mail, "Insurance" as
            # a phone): judged as the name they may be, so a real name stays protected.
            span = replace(span, category=_name_kind(span.text))
        if span.category in CONTEXTUAL and _full_name(span.text):
            # "I'm Ana-Lucía Ferreira-Gómez" as HEALTH: a contextual stand-in would put an
            # illness where the name was; it is a person's name, protected as one.
            span = replace(span, category=Category.PERSON)
        if span.category is Category.LEGAL and senses.without_law(text, span.start, span.end):
            return None, "no law"  # "I was charged twice for my subscription": a bill, not a crime
        if span.category in (Category.PERSON, Category.ORG, Category.LOCATION) and _calendar_word(text, span):
            return None, "calendar word"  # "Tracking says Tuesday": no one's name, whoever's day
        if span.category in (Category.PERSON, Category.ORG, Category.LOCATION) and jargon.is_formula(span.text):
            return None, "formula"  # "the difference between HCl and NaCl": chemistry, no one's name
        term_kind = fact_kind(span.text)
        if term_kind is not None and span.category in CONTEXTUAL and span.category is not term_kind:
            # "a miscarriage" as RELATIONSHIP: a health or money term of the lexicons is of its
            # lexicon's kind, so its stand-in is another illness, not a relative.
            span = replace(span, category=term_kind)
        if span.category not in NAME_LIKE:
            return span, "kept"  # a structured kind outside code: the model's word stands
        if span.category in (Category.PERSON, Category.ORG, Category.LOCATION, Category.USERNAME):
            if code.identifier_at(text, span.start, span.end) or code.holds_code_name(span.text):
                return None, "identifier"
        if span.category is Category.ORG and _generic_body(span.text):
            return None, "generic body"  # "the Government", "the Commission": no one in particular
        if span.category is Category.PERSON and span.text.islower() and span.source != NAMING_CUE_SOURCE \
                and _common_words(span.text):
            # "card got charged twice" with a name in the sentence: lower-case everyday words
            # that hold no first name or surname are no one's name, however personal the sentence.
            return None, "common words"
        # "the kid's name is lily-mae": said to be someone's name, it is one, jargon-shaped or not.
        personal = (about_writer or span.source == NAMING_CUE_SOURCE
                    or cues.personal(text, span.start, span.end, people))
        if span.category in (Category.PERSON, Category.ORG, Category.LOCATION) and term_kind is not None:
            # "suffers from epilepsy" read as a town: about someone, it is their illness (its
            # stand-in another illness); as a question's topic, nobody's.
            return (replace(span, category=term_kind), "health or money term") if personal else (None, "health or money term")
        if span.category in (Category.PERSON, Category.ORG, Category.LOCATION) and jargon.is_drug(span.text):
            # A drug is health information, not a person or a place: kept as HEALTH about someone.
            return (replace(span, category=Category.HEALTH), "drug") if personal else (None, "drug")
        if (span.category is Category.BELIEF_IDENTITY and not groups.is_belief(span.text)) or (
                span.category in (Category.PERSON, Category.ORG, Category.LOCATION)
                and geo.is_nationality(span.text)):
            return (replace(span, category=Category.LOCATION), "nationality") if personal else (None, "nationality")
        if span.category in (Category.PERSON, Category.ORG) and groups.is_belief(span.text):
            # A religion a layer took for a name ("Muslim" as an unknown capitalised word).
            return (replace(span, category=Category.BELIEF_IDENTITY), "belief") if personal else (None, "belief")
        if personal and not public.is_well_known_org(span.text):
            return span, "kept"
        # (A country a layer took for a PERSON or ORG is a LOCATION by now: see explain.)
        if span.category is Category.LOCATION and (public.is_country_or_region(span.text)
                                                   or public.list_of_places(span.text)):
            return None, "country"
        if span.category not in (Category.PERSON, Category.ORG, Category.LOCATION):
            return span, "kept"
        if public.is_well_known_org(span.text) and not (
                about_writer or cues.personal(text, span.start, span.end, people, possessive=False)):
            return None, "well-known org"
        if span.category is Category.PERSON and jargon.only_a_title(span.text):
            return None, "title"
        if span.category in (Category.PERSON, Category.ORG) and public.is_public_figure(span.text):
            return None, "public figure"
        if _common_words(span.text) or _sentence_word(text, span):
            return None, "common words"
        if jargon.is_jargon(text, span.start, span.end):
            return None, "jargon"
        if span.layer == Layer.NER and jargon.foreign_word(span.text):
            return None, "foreign word"
        return span, "kept"

    @staticmethod
    def _code_evidence(text: str, span: Span) -> bool:
        """A cue that ties a name in code to a person: "author: ...", a user folder in a path."""
        before = text[max(0, span.start - 32):span.start]
        return (any(cue in before.lower() for cue in CODE_PERSON_CUES) or bool(code.USER_FOLDER.search(before))
                or bool(code.PERSON_KEY.search(before)))


_NUMBER_ONLY = re.compile(r"[\d\s.,:+-]+")


def _bare_number(text: str, span: Span) -> bool:
    """The whole text is one number (a size, a count, a timestamp sent as JSON) and the span is
    it: a model layer has no context to read it by, only a rule's format check can."""
    return text.strip() == span.text.strip() and _NUMBER_ONLY.fullmatch(text.strip()) is not None


SENTENCE_START = re.compile(r"(?:^|[.!?:\n#*•>\-]\s*|\n\s*)$")


def _key(span: Span) -> str:
    return span.text.casefold()


def _sentence_word(text: str, span: Span) -> bool:
    """One ordinary English word at the start of a sentence or line ("Merge pull request",
    "Encrypt the file"): capitalised by its place, not a name."""
    word = span.text.strip()
    lower = word.lower()
    if " " in word or not word.isalpha() or not SENTENCE_START.search(text, max(0, span.start - 6), span.start):
        return False
    return (is_english_word(lower) and lower not in first_names() and lower not in last_names()
            and lower not in capitalised_words())


# What a value of each structured kind holds, however it is written: a learned layer names
# the kind without a format check, and on PUPA_New, SPIA and asq-phi 12 of the tagger's 14
# e-mails ("ChatGPT", "GmbH & Co. KGaA") and 6 of its 11 phones ("ssn", "MRN") held none of it.
_AT = re.compile(r"[@＠﹫]|(?i:(?<![a-z])(?:at|dot)(?![a-z]))|[a-z0-9](?:AT|DOT)[A-Za-z0-9]")
_DIGIT_WORD = re.compile(r"(?i:(?<![a-z])(?:" + "|".join(spelled_digits.DIGIT_WORDS) + r")(?![a-z]))")
_LEAST_DIGITS = {Category.PHONE: 7, Category.CREDIT_CARD: 4, Category.IP_ADDRESS: 3}
_MASKS = frozenset("xX*•#")


def _cannot_be(span: Span) -> bool:
    """A learned layer's span of a structured kind that holds nothing a value of it holds: an
    e-mail with no @ or "at", a phone with fewer than 7 digits (written or spelled)..."""
    if span.category is Category.EMAIL:
        return not _AT.search(span.text)
    least = _LEAST_DIGITS.get(span.category)
    if least is None:
        return False
    digits = sum(c.isdigit() for c in span.text) + len(_DIGIT_WORD.findall(span.text))
    if digits:  # a masked digit counts as one: "xx47 9182"
        digits += sum(c in _MASKS for c in span.text)
    return digits < least


def _full_name(value: str) -> bool:
    """Two or more title-case words, none of them an English word, the first a known first name
    ("Ana-Lucía Ferreira-Gómez"); an eponym's disease keeps an English word ("Guillain-Barré
    Syndrome") and a single surname ("Parkinson's") is not two words."""
    words = value.split()
    if len(words) < 2 or not all(w[:1].isupper() and not w.isupper() for w in words):
        return False
    parts = [p.lower() for w in words for p in w.strip(".,'’").split("-") if p]
    names = first_names() | last_names()
    return (words[0].split("-")[0].lower() in first_names()
            and not any(is_english_word(p) and p not in names for p in parts))


def _name_kind(value: str) -> Category:
    words = value.lower().split()
    return Category.PERSON if words and (words[0] in first_names() or words[-1] in last_names()) else Category.ORG


# Full names of days and months (abbreviations are names too: "Sun", "Sat", "Jan").
_WEEKDAYS = frozenset(day for day in WEEKDAYS if len(day) > 4)
_MONTHS = frozenset(fold(month) for style in ("en", "de", "fr", "es") for month in MONTH_NAMES[style] if len(month) > 3)


# A number right after a month's name: a day or a year ("April 2023", "June 3rd").
_DATE_NUMBER_AFTER = re.compile(r"\s+(?:\d{1,2}(?:st|nd|rd|th)?|(?:19|20)\d{2})(?!\w)")


def _calendar_word(text: str, span: Span) -> bool:
    """A day's or month's name alone, taken for a name ("Tuesday" as an unknown capitalised
    word, an ORG). A month is a person's first name too ("June", "April"): not as a PERSON,
    unless a day or a year follows it ("news from April 2023")."""
    value = fold(span.text.strip(".,:;!?"))
    return value in _WEEKDAYS or (value in _MONTHS and (
        span.category is not Category.PERSON or _DATE_NUMBER_AFTER.match(text, span.end) is not None))


# Bodies a text names by their kind alone (court decisions: "the Government", "the Court", "the
# Commission"); with the kinds of organisation the stand-ins know (KIND_WORDS).
_BODIES = frozenset("""
government court commission ministry police state council army parliament tribunal prosecutor
prosecution administration authorities authority registry chamber senate congress cabinet
""".split())


def _generic_body(value: str) -> bool:
    """An organisation named by its kind alone, maybe after "the": "the Government", "The
    Regional Court", "the Ministry of Health"; not one with a name in it ("the Lublin Court")."""
    words = [w.strip(".,:;'’\"()").lower() for w in value.split()]
    words = [w for w in words if w]
    if words and words[0] == "the":
        words = words[1:]
    return bool(words) and any(w in _BODIES for w in words) and all(
        w in _BODIES or w in KIND_WORDS or w in ("regional", "district", "supreme", "high", "local",
                                               "public", "central", "constitutional", "appeal", "appeals")
        for w in words)


def _common_words(value: str) -> bool:
    """Ordinary English words that name no one: "Hydraulic Hoses", "Assessment Methods",
    "Developer Mode"; a single word only if it is one of the most common ("Length", "Refer").
    No word may be a name, a proper noun in Webster's list ("Berlin", "Montana"), a place or a
    kind of organisation ("... Limited")."""
    words = [w.strip(".,:;!?\"'()[]•-–").lower() for w in value.split()]
    words = [w for w in words if w]
    if not words or (len(words) == 1 and words[0] not in everyday_words()):
        return False
    firsts, lasts, proper = first_names(), last_names(), capitalised_words()
    return all(w.isalpha() and is_english_word(w) and w not in firsts and w not in lasts
               and w not in proper and w not in KIND_WORDS and not public.is_country_or_region(w)
               for w in words)
