"""Street addresses: house number + street name + street type, optional unit, city, state and
ZIP/postcode ("221B Baker Street, London NW1 6XE", "1600 Pennsylvania Ave NW, Washington, DC
20500", "12 rue de la Paix", "Koskikatu 25 Apt. 864"); US ZIPs and UK postcodes alone only in an
address context. Cities alone are left to NER."""
import re

from spacy.lang.en.stop_words import STOP_WORDS

from detector import formats
from detector.categories import Category
from detector.rules.base import Pattern, Recognizer, field_regex, field_values
from detector.span import Layer, Span
from detector.text import words_regex

_SUFFIXES = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|"
    "Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Alley|Row|"
    "Crescent|Cres|Close|Gardens|Gdns|Mews|Grove|Hill|Park|Walk|Green|Rise|View|Plaza|Pike|"
    "Turnpike|Expressway|Freeway|Route|Rte|Point|Pt|Run|Path|Crossing|Xing|Ridge|Heights|Hts|"
    "Wharf|Quay|Embankment|Broadway|Esplanade"
)
# The street types as words (lower case): the restorer reads "Rowe Street" as a street, not a person.
STREET_TYPES = frozenset(_SUFFIXES.lower().split("|"))
# Unambiguous street types, accepted in lower case too ("i live at 42 maple street").
_PLAIN_SUFFIXES = "street|avenue|ave|road|rd|boulevard|blvd|lane|terrace|parkway|pkwy|highway|hwy|crescent"
_STATES = "|".join(formats.US_STATE_ABBR)
_UNIT = r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Fl|Floor|Room|Rm|Bldg|Building|#)\.?\s*#?\s*[\w-]{1,6})?"
_CITY_STATE_ZIP = (
    r"(?:,\s*[A-Z][a-z][\w.'-]*(?:[ \t]+[A-Z][a-z][\w.'-]*){0,2}"
    r"(?:,?[ \t]+(?:" + _STATES + r"))?(?:,?[ \t]+(?:" + formats.US_ZIP + "|" + formats.UK_POSTCODE + r"))?)?"
)
_NUMBER = r"(?<![\w.,-])\d{1,6}[A-Za-z]?(?:-\d{1,6})?,?"
_NAME = r"(?:[A-Z][\w'.-]*[ \t]+){0,3}[A-Z][\w'.-]*"
STREET = re.compile(
    _NUMBER + r"[ \t]+(?:[NSEW]\.?[ \t]+)?" + _NAME + r"[ \t]+(?:" + _SUFFIXES + r")\b\.?"
    r"(?:[ \t]+(?:[NS][EW]|[NSEW])\b)?" + _UNIT + _CITY_STATE_ZIP
)
STREET_LOWER = re.compile(
    r"(?i:" + _NUMBER + r"[ \t]+(?:(?:[a-z][\w'.-]*|\d{1,3}(?:st|nd|rd|th))[ \t]+){1,3}(?:" + _PLAIN_SUFFIXES +
    r"|(?<=st |nd |rd |th )st)\b\.?" + _UNIT + ")"  # "st" only after an ordinal: "221 w 34th st apt 5c"
)
# "12 rue de la Paix", "5 calle Mayor", "3 via Roma": type first, then up to 4 words.
TYPE_FIRST_WORDS = ("rue", "avenue", "boulevard", "bd", "chemin", "allée", "impasse", "place", "calle",
                    "avenida", "carrer", "via", "viale", "piazza", "corso", "rua", "travessa", "praça")
STREET_TYPE_FIRST = re.compile(
    _NUMBER + r"[ \t]+(?i:" + "|".join(TYPE_FIRST_WORDS) + r")[ \t]+(?:[\w'-]+[ \t]+){0,3}[A-Z][\w'-]+"
)
# "Calle Mayor 12", "Rua Augusta 210", "ul. Marszałkowska 10/4": type first and the number last,
# as much of Europe and Latin America write it. Types English writes as words too ("via",
# "place", "avenue") count only capitalised: "Via Roma 3", not "via Zoom 2 times".
NUMBER_LAST_TYPES = ("rue", "chemin", "allée", "impasse", "calle", "avenida", "carrer", "viale", "piazza",
                     "rua", "travessa", "praça", "paseo", "ul.", "ulica", "aleja", "strada", "largo")
NUMBER_LAST_SHARED = ("Via", "Place", "Avenue", "Boulevard", "Corso", "Plaza")
STREET_NUMBER_LAST = re.compile(
    r"(?<![\w.])(?:(?i:" + "|".join(re.escape(t) for t in NUMBER_LAST_TYPES) + ")|" + "|".join(NUMBER_LAST_SHARED) + r")"
    r"[ \t]+(?:[\w'-]+[ \t]+){0,3}?[A-ZÀ-ÖØ-Þ][\w'-]*[ \t]+\d{1,5}[A-Za-z]?(?:/\d{1,4})?(?![\w/-])"
)
# "Hauptstraße 5", "Koskikatu 25", "Kalverstraat 12a": the street type is a suffix of one word.
COMPOUND_SUFFIXES = ("straße", "strasse", "str.", "weg", "gasse", "platz", "allee", "damm", "ring", "katu",
                     "tie", "vej", "gade", "straat", "laan", "gracht", "gatan", "vägen", "veien", "gata",
                     "utca", "ulica")
STREET_COMPOUND = re.compile(
    r"(?<!\w)[A-ZÄÖÜ][\w'-]*(?:" + "|".join(re.escape(s) for s in COMPOUND_SUFFIXES) + r")[ \t]+\d{1,5}[a-z]?\b" + _UNIT
)
PO_BOX = re.compile(r"\b(?:P\.?\s?O\.?\s?Box|PO Box|Post Office Box|PSC|Box)\s+\d{1,6}(?:,\s*Box\s+\d{1,6})?\b", re.IGNORECASE)
ZIP_CODE = re.compile(r"(?<![\w-])" + formats.US_ZIP + r"(?![\w-])")
UK_POSTCODE = re.compile(r"(?<![\w-])" + formats.UK_POSTCODE + r"(?![\w-])")
# Any country's postcode right after the word for it ("ZIP: 3520", "postal code 53-320", "PLZ
# 10115", "CEP 01310-100"): the cue is the evidence, the shape alone would be any number.
POSTCODE_CUED = re.compile(
    r"(?i:\b(?:zip(?:[ \t]?code)?|post(?:al)?[ \t]?code|plz|cep|pin[ \t]?code)\b[ \t]*(?:[:#=]|is|was)?[ \t]*)"
    r"(?P<value>" + formats.NL_POSTCODE + "|" + formats.NUMERIC_POSTCODE + "|" + formats.CA_POSTCODE + "|" + formats.UK_POSTCODE
    + r")(?![\w-]|[.,]\d)")
# "In 2019 Google Street View...": a year after a time preposition is not a house number.
YEAR_AFTER_PREPOSITION = re.compile(r"(?i:\b(?:in|since|by|from|until|till|of|after|before|during|circa)\s+)$")
UNITS = frozenset("miles mile km kilometers minutes mins hours blocks steps meters metres feet yards".split())
CONTEXT = words_regex([
    "address", "addr", "live at", "lives at", "living at", "located at", "zip", "zip code",
    "zipcode", "postcode", "post code", "postal code", "ship to", "deliver to", "mail to",
    "reside at", "residence", "home",
], typos=True)


# A labelled address field, and a place field that holds a house number ("Location: 23, Swamy
# Marg, Hajipur"): the field says it is someone's, whatever the street words are.
FIELD_LABELS = field_regex(["address", "home address", "street address", "billing address",
                            "shipping address", "mailing address", "postal address", "residential address",
                            "location", "residence", "pickup"])
FIELD_VALUE = re.compile(r"(?=.*\d)(?=.*[^\W\d_]{3})[\w#/'’.\- ]+(?:,[\w#/'’.\- ]+)*")


class AddressRecognizer(Recognizer):
    category = Category.ADDRESS

    def find(self, text: str, regions=None) -> list[Span]:
        spans = super().find(text, regions)
        if regions is None and ":" in text:
            for start, end in field_values(text, FIELD_LABELS):
                if FIELD_VALUE.fullmatch(text, start, end) and not text[start:end].strip().isdigit():
                    spans.append(Span(start, end, text[start:end], self.category, Layer.RULES, 0.6,
                                      source=self.source("field")))
        return spans
    PATTERNS = (
        Pattern("street", STREET, score=0.6),
        Pattern("street_lower", STREET_LOWER, score=0.5),
        Pattern("street_type_first", STREET_TYPE_FIRST, score=0.5, triggers=TYPE_FIRST_WORDS),
        Pattern("street_compound", STREET_COMPOUND, score=0.5, triggers=COMPOUND_SUFFIXES),
        Pattern("street_number_last", STREET_NUMBER_LAST, score=0.5,
                triggers=NUMBER_LAST_TYPES + tuple(t.lower() for t in NUMBER_LAST_SHARED)),
        Pattern("po_box", PO_BOX, score=0.5, triggers=("box", "psc")),
        Pattern("zip", ZIP_CODE, score=0.3, needs_context=True),
        Pattern("uk_postcode", UK_POSTCODE, score=0.4, needs_context=True),
        Pattern("postcode_cued", POSTCODE_CUED, score=0.5, triggers=("zip", "code", "plz", "cep")),
    )
    CONTEXT = CONTEXT

    def judge(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        year = text[start:start + 4]
        if (year.isdigit() and year[:2] in ("19", "20") and not text[start + 4:start + 5].isdigit()
                and YEAR_AFTER_PREPOSITION.search(text, max(0, start - 12), start)):
            return None
        if pattern.name == "street_lower" and self._prose(text[start:end]):
            return None
        return super().judge(text, start, end, pattern)

    @staticmethod
    def _prose(value: str) -> bool:
        # "5 miles down the road": street names are not made of function words and units.
        name_words = value.split()[1:-1]
        return any(w.lower() in STOP_WORDS or w.lower() in UNITS for w in name_words)
