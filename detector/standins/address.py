"""ADDRESS: same shape and, where inferable, the same country: the house number keeps its
digits count, the street keeps its type word ("Street", "-straße", "rue"), the town becomes a
real town of that country, postcodes keep their format."""
from __future__ import annotations

import re

import faker

from detector import formats
from detector.standins import geo, name_lists
from detector.standins.casing import apply_case_class, case_class, fold
from detector.standins.part import Part, whole
from detector.standins.shape import reshape

# Street-type and unit words stay: they carry the shape, not the place (hand list).
STREET_WORDS = frozenset("""
street st avenue ave av road rd lane ln drive dr boulevard blvd way court ct place pl terrace
ter circle cir parkway pkwy highway hwy square sq crescent close trail trl loop row walk
apt apartment suite ste unit floor fl flat building bldg no nr room po box p.o. north south
east west n s e w ne nw se sw rue avenue allée chemin impasse calle avenida plaza paseo camino
via viale piazza corso rua travessa straat laan plein gracht str strasse straße weg platz
allee gasse ring damm ulica ul house
""".split())
GERMAN_SUFFIXES = ("straße", "strasse", "weg", "platz", "allee", "gasse", "ring", "damm", "str.")
ROOT_WORDS = ("Oak", "Maple", "Cedar", "Pine", "Elm", "Willow", "Birch", "Chestnut", "Walnut",
              "Lake", "Hill", "Park", "River", "Meadow", "Sunset", "Highland", "Church", "Mill",
              "Spring", "Ridge", "Forest", "Valley", "Orchard", "Harbor", "Grove", "Lincoln",
              "Madison", "Franklin", "Jefferson", "Cherry", "Sycamore", "Hawthorn", "Juniper")

_LOCALE_SIGNS = (
    (re.compile(r"stra(ß|ss)e|str\.|\bweg\b|platz|allee|gasse|deutschland|germany", re.I), "de_DE"),
    (re.compile(r"\brue\b|\ballée\b|\bchemin\b|\bfrance\b|\bcedex\b", re.I), "fr_FR"),
    (re.compile(r"\bcalle\b|\bavenida\b|\bpaseo\b|\bespaña\b|\bspain\b", re.I), "es_ES"),
    (re.compile(r"\bvia\b|\bviale\b|\bpiazza\b|\bcorso\b|\bital(y|ia)\b", re.I), "it_IT"),
    (re.compile(r"\brua\b|\btravessa\b|\bbrasil\b|\bbrazil\b", re.I), "pt_BR"),
    (re.compile(r"straat\b|\blaan\b|\bgracht\b|netherlands|nederland", re.I), "nl_NL"),
    (re.compile(r"\b" + formats.UK_POSTCODE + r"\b|united kingdom|\bUK\b|england|scotland|wales"), "en_GB"),
    (re.compile(r"\bcanada\b|\b" + formats.CA_POSTCODE + r"\b"), "en_CA"),
    (re.compile(r"\baustralia\b|\b(NSW|VIC|QLD)\b", re.I), "en_AU"),
    (re.compile(r"\bindia\b|\bnagar\b", re.I), "en_IN"),
)
_US_STATE_ZIP = re.compile(r"(?P<state>[A-Z]{2})(?P<sp>\s+)(?P<zip>" + formats.US_ZIP + ")")
_US_CITY_STATE_ZIP = re.compile(r"(?P<city>[^\d,]+?)(?P<sp1>\s+)(?P<state>[A-Z]{2})(?P<sp>\s+)(?P<zip>" + formats.US_ZIP + ")")
_UK_POSTCODE = re.compile(formats.UK_POSTCODE, re.I)
_CA_POSTCODE = re.compile(formats.CA_POSTCODE, re.I)
# Letters and digits mixed in one word ("B0J", "NW1", "2H0", "221B") form one token: a code
# (a postcode, a house number) reshaped character by character, not a name to replace.
_CODE = re.compile(r"(?=[^\W_]*\d)(?=[^\W_]*[^\W\d_])[^\W_]+")
_TOKEN = re.compile(r"\d+[A-Za-z]?\b|" + _CODE.pattern + r"|[^\W\d_]+\.?|\S")


def infer_locale(text: str) -> str:
    for pattern, locale in _LOCALE_SIGNS:
        if pattern.search(text):
            return locale
    return "en_US"


def _faker(locale: str, rng) -> faker.Faker:
    fake = faker.Faker(locale)
    fake.seed_instance(rng.getrandbits(64))
    return fake


def _root(locale: str, rng) -> str:
    if locale == "en_US" or rng.random() < 0.5:
        return rng.choice(ROOT_WORDS)
    return rng.choice(name_lists.surnames(locale if locale in name_lists.LOCALES else "en_US"))


def _town(locale: str, rng) -> str:
    return rng.choice(geo.towns(geo.LOCALE_COUNTRY.get(locale, "US")))


_ORDINAL = re.compile(r"(?P<n>\d{1,3})(?P<suffix>st|nd|rd|th)", re.IGNORECASE)


def _new_ordinal(tok: str, rng) -> str:
    m = _ORDINAL.fullmatch(tok)
    width = len(m["n"])
    n = rng.randint(10 ** (width - 1) if width > 1 else 1, 10 ** width - 1)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix.upper() if m['suffix'].isupper() else suffix}"


def _street_segment(seg: str, locale: str, rng) -> str:
    out, pending_root = [], False
    tokens = list(_TOKEN.finditer(seg))
    digits_first = bool(tokens) and tokens[0].group()[:1].isdigit() and len(tokens[0].group()) >= 4
    pos = 0
    for i, m in enumerate(tokens):
        tok = m.group()
        out.append(seg[pos:m.start()])
        pos = m.end()
        low = fold(tok)
        if _ORDINAL.fullmatch(tok):  # "34th Street" stays a numbered street: "17th"
            out.append(_new_ordinal(tok, rng))
            pending_root = False
        elif tok[0].isdigit() or _CODE.fullmatch(tok):
            out.append(reshape(tok, rng))
            pending_root = False
        elif not tok[0].isalpha():
            out.append(tok)
        elif low in STREET_WORDS or low.rstrip(".") in STREET_WORDS:
            out.append(tok)
            pending_root = False
        elif low.endswith(GERMAN_SUFFIXES) and len(tok) > 6:
            suffix = next(s for s in GERMAN_SUFFIXES if low.endswith(s))
            out.append(_root(locale, rng) + tok[len(tok) - len(suffix):])
            pending_root = False
        elif pending_root:
            out.append("\x00")  # a multi-word name becomes one word: drop the extra words
        else:
            word = _town(locale, rng) if digits_first else _root(locale, rng)
            out.append(apply_case_class(case_class(tok), word))
            pending_root = True
    out.append(seg[pos:])
    return re.sub(r"\s*\x00", "", "".join(out))


def _segment(seg: str, locale: str, rng) -> str:
    stripped = seg.strip()
    if not stripped:
        return seg
    us = _US_STATE_ZIP.fullmatch(stripped)
    if us:
        new = rng.choice(geo.US_STATE_ABBR) + us.group("sp") + reshape(us.group("zip"), rng)
        return seg.replace(stripped, new)
    us = _US_CITY_STATE_ZIP.fullmatch(stripped)
    if us and geo.is_us_state_abbr(us.group("state")):  # "Chicago IL 60061"
        city = apply_case_class(case_class(us.group("city")), _town("en_US", rng))
        new = (city + us.group("sp1") + rng.choice(geo.US_STATE_ABBR) + us.group("sp")
               + reshape(us.group("zip"), rng))
        return seg.replace(stripped, new)
    if _UK_POSTCODE.fullmatch(stripped):
        return seg.replace(stripped, _faker("en_GB", rng).postcode())
    if _CA_POSTCODE.fullmatch(stripped):
        return seg.replace(stripped, reshape(stripped.upper(), rng))
    if fold(stripped) in geo.countries():
        return seg
    if geo.is_us_state(stripped):
        return seg.replace(stripped, rng.choice(geo.US_STATES))
    if any(c.isdigit() for c in stripped):
        return _street_segment(seg, locale, rng)
    if all(fold(w).rstrip(".") in STREET_WORDS for w in stripped.split()):
        return seg
    return seg.replace(stripped, apply_case_class(case_class(stripped), _town(locale, rng)))


def make_address(surface: str):
    locale = infer_locale(surface)
    pieces = re.split(r"(,\s*|\n\s*)", surface)

    def make(rng, attempt):
        return "".join(p if i % 2 else _segment(p, locale, rng) for i, p in enumerate(pieces))

    return make


def parts(surface: str, session) -> list[Part]:
    return whole(surface, "address:" + fold(surface), "ADDRESS", make_address(surface))
