"""Phone numbers: phonenumbers decides validity; ID-shaped numbers count in a phone context.

A cheap regex finds digit runs first, and only those are handed to phonenumbers: running its
PhoneNumberMatcher over the whole text for every region costs ~7 ms per region per 1 kB here,
parsing the few candidates costs well under 1 ms.
"""
import re

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers.re_util import re_compile

from detector.categories import Category
from detector.formats import PHONE_REGIONS_DETECT, WRITTEN_WITH_TRUNK_ZERO
from detector.rules.base import Recognizer, near
from detector.span import Layer, Span
from detector.text import words_regex

CANDIDATE = re.compile(
    r"(?<![\w+./-])(?:\+|(?<!\d)00)?\(?\d[\d\-. ()/\u00a0]{4,24}\d"
    r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?(?![\w]|[.,]\d)",
    re.IGNORECASE,
)
EXTENSION = re.compile(r"\s?(?:x|ext\.?|extension)\s?\d{1,6}$", re.IGNORECASE)
NOT_A_PHONE = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3}){3}"  # IPv4
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{2}|\d{4}))$"  # dates
)
# "2023-11-28 05:32:21": a date with a time after it is a timestamp (logs), not a phone number.
TIMESTAMP_START = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b")
TIME_AFTER = re.compile(r"[:.]\d\d\b")
AMOUNT = re.compile(r"^\d{1,3}(?:[ .]\d{3})+$")  # "1 250 000": a phone only in a phone context
# A piece with one to two decimals ("15325.00 0.00", "0.0 0.00 0 0 12 1"): columns of amounts in
# pasted tables, never how a phone number is grouped. They cost 0.2-0.9 ms each in phonenumbers
# (a parse per region) and one table of 30 rows took 7 ms; some even parse as valid numbers.
DECIMAL_PIECE = re.compile(r"(?:^|\s)\d+\.\d{1,2}(?=\s|$)")
CONTEXT = words_regex([
    "phone", "telephone", "tel", "mobile", "mob", "cell", "cellphone", "call", "calling", "called",
    "text", "texting", "sms", "whatsapp", "viber", "signal", "fax", "desk", "office", "reach",
    "contact", "dial", "ring", "ph", "hotline", "landline", "answering", "message", "messages",
    "msg", "registered", "phone number", "whatsapp number",
], typos=True)


class PhoneRecognizer(Recognizer):
    category = Category.PHONE

    def __init__(self, regions: tuple[str, ...] = PHONE_REGIONS_DETECT):
        # "+" numbers parse for every region; national numbers are tried in `regions`
        # (detector/formats.py says why the rules try fewer regions than the stand-ins read in).
        self.regions = regions

    def warm(self) -> None:
        """Load every region's metadata and compile its patterns now (~0.2 s, ~3 MB, once per
        process). Otherwise a request pays for them: phonenumbers loads a region on first use
        and compiles its patterns through the re module's cache, which holds 512 and lost them
        to the other regexes of this process; one prompt's four numbers cost 6-8 ms."""
        phonenumbers.enable_pattern_cache()
        metadata = [PhoneMetadata.metadata_for_region(r) for r in phonenumbers.SUPPORTED_REGIONS]
        metadata += [PhoneMetadata.metadata_for_nongeo_region(code)
                     for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS]
        for region in metadata:
            for pattern in _patterns(region):
                re_compile(pattern)

    def find(self, text: str) -> list[Span]:
        spans = []
        for match in CANDIDATE.finditer(text):
            value = match.group()
            digits = sum(c.isdigit() for c in EXTENSION.sub("", value))
            if not 7 <= digits <= 15 or NOT_A_PHONE.match(value) or DECIMAL_PIECE.search(value):
                continue
            if TIMESTAMP_START.match(value) or (TIME_AFTER.match(text, match.end()) and ":" in text[match.end():match.end() + 1]):
                continue
            in_context = near(text, match.start(), match.end(), CONTEXT, after=16)
            if not AMOUNT.match(value) and self._valid(value):
                # Without a phone word a valid parse yields to an ID whose checksum and label
                # both agree ("my NHS no is 943 476 5870" is a valid UK number too): resolve
                # settles equal spans by score. Next to a word of another number's kind it is
                # only a fallback ("ssn 078-05-1120", "account number: 4417223190" parse as
                # phones too): that family's span, if it has one, wins on rank.
                other_kind = not in_context and _other_kind_named(text, match.start(), match.end())
                spans.append(Span(match.start(), match.end(), value, self.category, Layer.RULES,
                                  0.45 if other_kind else 0.95 if in_context else 0.8, not other_kind,
                                  self.source("valid")))
            elif in_context:
                spans.append(Span(match.start(), match.end(), value, self.category, Layer.RULES, 0.6, False,
                                  self.source("context")))
        return spans

    def _valid(self, value: str) -> bool:
        regions = (None,) if value.startswith("+") else self.regions
        trunk_zero = value.lstrip("(").startswith("0")
        for region in regions:
            if region in WRITTEN_WITH_TRUNK_ZERO and not trunk_zero:
                continue
            try:
                number = phonenumbers.parse(value, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                return True
        return False


NUMBER_TYPES = ("general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
                "personal_number", "voip", "pager", "uan", "voicemail", "no_international_dialling")


def _patterns(region: PhoneMetadata):
    """The regular expressions phonenumbers compiles when it parses and validates a number."""
    for name in NUMBER_TYPES:
        desc = getattr(region, name, None)
        if desc is not None and desc.national_number_pattern:
            yield desc.national_number_pattern
    for name in ("national_prefix_for_parsing", "international_prefix", "leading_digits"):
        if getattr(region, name, None):
            yield getattr(region, name)


def _other_kind_named(text: str, start: int, end: int) -> bool:
    # number_forms reads every digit family's words, phone's among them: imported here, not at
    # the top, where it would import this module back.
    from detector.rules.number_forms import kind_of

    return kind_of(text, start, end) not in (None, Category.PHONE)
