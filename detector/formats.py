"""Format facts that rules and stand-ins both read: card IINs, IBAN shapes, phone regions,
postcodes, US states, secret prefixes and the national-ID validators of python-stdnum.

The rules find values by these facts, the stand-ins make values that keep them, so each fact is
written here once. Where the two sides needed different views of one fact (the rules try fewer
phone regions than the stand-ins parse in), both views are named here, with the reason.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from types import ModuleType


# --- payment cards ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CardRange:
    """Card numbers whose first len(low) digits lie in low..high (equal-length digit strings)."""

    low: str
    high: str
    brand: str
    brand_digits: int  # how many leading digits name the brand: a stand-in keeps them


# Issuer identification numbers (IINs) as the card networks publish them (the union of what the
# card rule and the card stand-ins knew before #18).
CARD_IINS = (
    CardRange("4", "4", "Visa", 1),
    CardRange("51", "55", "Mastercard", 2),
    CardRange("2221", "2720", "Mastercard", 4),
    CardRange("34", "34", "American Express", 2),
    CardRange("37", "37", "American Express", 2),
    CardRange("30", "30", "Diners Club", 2),
    CardRange("36", "36", "Diners Club", 2),
    CardRange("38", "39", "Diners Club", 2),
    CardRange("3528", "3589", "JCB", 4),
    CardRange("2131", "2131", "JCB", 4),
    CardRange("1800", "1800", "JCB", 4),
    CardRange("6011", "6011", "Discover", 4),
    CardRange("644", "649", "Discover", 3),
    CardRange("65", "65", "Discover", 2),
    CardRange("62", "62", "UnionPay", 2),
    CardRange("50", "50", "Maestro", 2),
    CardRange("56", "58", "Maestro", 2),
)
# Wider ranges the card rule has always accepted as a card anywhere (Luhn-valid): brands the
# table lacks (RuPay 60, Maestro 6759, JCB outside 3528-3589) and the Mastercard 2-series read at
# three digits. Their stand-ins keep two digits, as for any brand not listed.
CARD_WIDER = (
    CardRange("222", "272", "Mastercard 2-series", 2),
    CardRange("3", "3", "Amex, Diners Club, JCB and others", 2),
    CardRange("6", "6", "Discover, UnionPay, Maestro, RuPay and others", 2),
)
UNKNOWN_BRAND_DIGITS = 2


def card_range(digits: str) -> CardRange | None:
    """The most specific known range holding this card number (ASCII digits), or None."""
    best = None
    for row in CARD_IINS + CARD_WIDER:
        head = digits[:len(row.low)]
        if (len(head) == len(row.low) and head.isascii() and row.low <= head <= row.high
                and (best is None or len(row.low) > len(best.low))):
            best = row
    return best


def card_brand_digits(digits: str) -> int:
    """How many leading digits of a card number name its brand."""
    row = card_range(digits)
    return row.brand_digits if row is not None else UNKNOWN_BRAND_DIGITS


# --- IBANs -----------------------------------------------------------------------------------
# ISO 13616: country code, two check digits, then the BBAN of up to 30 letters and digits, whose
# length and layout per country python-stdnum checks (stdnum.iban). Norway's are the shortest.
IBAN_MIN_LENGTH = 15
# An IBAN written compact and in upper case (stdnum.iban.compact), checksum right or not.
IBAN_SHAPE = r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}"
# An IBAN as people write it: any case, compact or in groups of four. It may run into a following
# word ("... 1300 EUR"); the rule drops trailing groups until stdnum.iban accepts the rest.
IBAN_IN_TEXT = r"(?<![\w-])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,4})?(?!\w)"


# --- phone numbers ---------------------------------------------------------------------------
# Regions a national number (no "+" country code) is read in, in this order: the first where
# phonenumbers calls it valid gives its country. Stand-ins read a found number in all of them,
# so that its stand-in keeps the country and the line type.
PHONE_REGIONS = ("US", "GB", "IN", "DE", "FR", "CA", "AU", "ES", "IT", "NL", "BR", "MX")
# The rules decide whether a digit run is a phone number at all, and each region they try makes
# more runs (order numbers, amounts) "valid" somewhere, so they try fewer. CA shares +1 with US:
# a US parse already validates it. Widening this set is a detection change, not a re-layout.
PHONE_REGIONS_DETECT = tuple(r for r in PHONE_REGIONS if r in {"US", "GB", "FR", "DE", "AU", "IN"})
# People in these regions write national numbers with the trunk "0" ("020 7946 0958"); a bare
# 8-digit run such as an order number would otherwise be a "valid" German number.
WRITTEN_WITH_TRUNK_ZERO = frozenset({"GB", "FR", "DE", "AU"})


def phone_country_code_digits(value: str) -> int:
    """How many digits of an international number ("+44 20...", "0044 20...") are its country
    calling code; 0 for a number written without one. Calling codes are prefix-free (E.164)."""
    import phonenumbers

    text = value.lstrip()
    if text.startswith("+"):
        digits = "".join(c for c in text[1:] if c.isdigit())
    elif text.startswith("00"):
        digits = "".join(c for c in text[2:] if c.isdigit())
    else:
        return 0
    for n in (1, 2, 3):
        if digits[:n].isdigit() and int(digits[:n]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return n
    return 0


# --- e-mail addresses spelled out ------------------------------------------------------------
# People spell an address out to keep it from scrapers, and a model reads it as the address:
# "john.smith at example dot com", "john[at]example[dot]com", "john (at) example (dot) com",
# "john @ example.com". The rules find these spellings and the stand-ins keep them.
EMAIL_AT_SPELLINGS = r"\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+|\s*@\s*"
# A dot with a space before it ("sarah . connor @ yahoo . com", "co .com") is spelled out too;
# one with a space only after it ends a sentence ("Thanks. sarah @ ...") and is not.
EMAIL_DOT_SPELLINGS = r"\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+|[ \t]+\.[ \t]*|\."
_ATOM = r"[\w%+-]+"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_DOT = "(?:" + EMAIL_DOT_SPELLINGS + ")"
_SPELLED_HEAD = r"(?<![\w.%+@-])(?P<local>" + _ATOM + "(?:" + _DOT + _ATOM + r")*)(?P<at>" + EMAIL_AT_SPELLINGS + ")"
SPELLED_EMAIL = re.compile(
    _SPELLED_HEAD + r"(?P<domain>" + _LABEL + "(?:" + _DOT + _LABEL + ")*" + _DOT + r"(?P<tld>[^\W\d_]{2,24}))(?![\w@-])",
    re.IGNORECASE)
SPELLED_EMAIL_HEAD = re.compile(_SPELLED_HEAD, re.IGNORECASE)  # where one may start: its local part and "@"
_DOT_SPLIT = re.compile("(" + EMAIL_DOT_SPELLINGS + ")", re.IGNORECASE)
# Top-level domains a spelled-out address must end in ("at home dot com" ends in one too, so the
# rule asks for more; "stay at home dot Then" does not): the generic ones people use, and every
# country code (ISO 3166 regions as phonenumbers knows them, plus "uk" and "eu").
GENERIC_TLDS = frozenset("""com net org edu gov mil int info biz io co ai app dev me tech online
site xyz name pro mobi email cloud shop store blog""".split())


def known_tld(tld: str) -> bool:
    import phonenumbers

    tld = tld.lower()
    return tld in GENERIC_TLDS or tld in ("uk", "eu") or (
        len(tld) == 2 and tld.upper() in phonenumbers.SUPPORTED_REGIONS)


# Free-mail providers' names: an address spelled out at one of them is an address.
FREE_MAIL_BRANDS = frozenset({"gmail", "yahoo", "hotmail", "outlook", "live", "icloud", "aol", "gmx", "yandex"})


@dataclass(frozen=True)
class SpelledEmail:
    """An e-mail address as written, and the plain address it spells."""

    local: str     # the plain local part ("john.smith")
    domain: str    # the plain domain ("example.com")
    at: str        # how "@" was written (" at ", "[at]", " @ ")
    local_dot: str  # how "." was written in the local part ("." if it has none)
    domain_dot: str

    @property
    def address(self) -> str:
        return self.local + "@" + self.domain

    @property
    def spelled_out(self) -> bool:
        """Written other than as a plain address."""
        return self.at != "@" or self.local_dot != "." or self.domain_dot != "."

    def respell(self, address: str) -> str:
        """A plain address written the way this one was."""
        local, _, domain = address.rpartition("@")
        return local.replace(".", self.local_dot) + self.at + domain.replace(".", self.domain_dot)


def _plain(part: str) -> tuple[str, str]:
    """A spelled-out dotted name as plain text, and the first way its dots were written."""
    pieces = _DOT_SPLIT.split(part)
    dots = pieces[1::2]
    return ".".join(pieces[0::2]), (dots[0] if dots else ".")


def read_spelled_email(text: str) -> SpelledEmail | None:
    """The address `text` spells out, written whole, or None."""
    m = SPELLED_EMAIL.fullmatch(text)
    if m is None:
        return None
    local, local_dot = _plain(m.group("local"))
    domain, domain_dot = _plain(m.group("domain"))
    return SpelledEmail(local, domain, m.group("at"), local_dot, domain_dot)


# --- postcodes and US states -----------------------------------------------------------------
US_ZIP = r"\d{5}(?:-\d{4})?"
UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"
CA_POSTCODE = r"[A-Z]\d[A-Z] ?\d[A-Z]\d"
# Other countries' postcodes as they are written beside a town: 3-6 digits ("4844", "53650",
# "700"), Nordic "840 24", Polish "53-320", Portuguese "3610-114", Brazilian "01310-100", US
# ZIP+4 "94107-1234".
NL_POSTCODE = r"\d{4} ?[A-Z]{2}(?![A-Za-z])"  # Dutch "7412 SL"
NUMERIC_POSTCODE = r"\d{3} \d{2}|\d{2}-\d{3}|\d{4}-\d{3}|\d{5}-\d{3,4}|\d{3,6}"
# USPS codes of the 50 states and DC (the same 51 as Faker's en_US states_abbr).
US_STATE_ABBR = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY",
)


# --- secrets ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyFormat:
    """API keys and tokens that start with a vendor's published prefix (vendors' docs)."""

    name: str  # the rules' pattern name; one name may have several rows
    prefixes: tuple[str, ...]
    # What follows a prefix, as the rules find it (the vendor's published token shape).
    body: str


KEY_FORMATS = (
    KeyFormat("anthropic", ("sk-ant-api03-", "sk-ant-"), r"[A-Za-z0-9_-]{20,}"),
    KeyFormat("openai", ("sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"), r"[A-Za-z0-9_-]{20,}"),
    KeyFormat("github", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), r"[A-Za-z0-9]{30,}"),
    KeyFormat("github", ("github_pat_",), r"[A-Za-z0-9_]{22,}"),
    KeyFormat("aws_access_key", ("AKIA", "ASIA", "AGPA", "AIDA", "AROA"), r"[A-Z0-9]{16}"),
    KeyFormat("slack", ("xoxa-", "xoxb-", "xoxo-", "xoxp-", "xoxr-", "xoxs-"), r"[A-Za-z0-9-]{10,}"),
    KeyFormat("google_api_key", ("AIza",), r"[0-9A-Za-z_-]{35}"),
    KeyFormat("stripe", ("sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_"),
              r"[A-Za-z0-9]{16,}"),
    KeyFormat("huggingface", ("hf_",), r"[A-Za-z0-9]{30,}"),
    KeyFormat("jwt", ("eyJ",), r"[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    KeyFormat("stripe_webhook", ("whsec_",), r"[A-Za-z0-9+/=]{24,}"),
    KeyFormat("gitlab", ("glpat-",), r"[A-Za-z0-9_-]{20,}"),
    KeyFormat("slack_app", ("xapp-",), r"\d-[A-Za-z0-9]+-\d+-[A-Za-z0-9]{16,}"),
    KeyFormat("google_oauth", ("ya29.",), r"[0-9A-Za-z_-]{20,}"),
    KeyFormat("npm", ("npm_",), r"[A-Za-z0-9]{36}"),
    KeyFormat("pypi", ("pypi-",), r"[A-Za-z0-9_-]{50,}"),
    KeyFormat("sendgrid", ("SG.",), r"[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}"),
    KeyFormat("shopify", ("shpat_",), r"[a-fA-F0-9]{32}"),
    KeyFormat("digitalocean", ("dop_v1_",), r"[a-f0-9]{64}"),
    KeyFormat("square", ("sq0atp-",), r"[0-9A-Za-z_-]{22,}"),
    # Twilio's account and API-key SIDs: the prefix and exactly 32 lower-case hex digits.
    KeyFormat("twilio", ("AC", "SK"), r"[0-9a-f]{32}"),
    # Generic "pk-"/"rk-" keys (Langfuse and others): letters and digits mixed, 20 or more.
    KeyFormat("other", ("pk-", "rk-"), r"(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9-]{20,}"),
)
# Every prefix, longest first: the first one a key starts with is its vendor's.
KEY_PREFIXES = tuple(sorted({p for f in KEY_FORMATS for p in f.prefixes}, key=lambda p: (-len(p), p)))


# --- what a stand-in may keep of its real value ---------------------------------------------
# The protect step compares every stand-in with its real value (detector/standins/leaks.py) and
# never sends one that keeps the real digits or letters in place. These categories' values are
# codes, compared character by character (letters and digits only, digits read as ASCII, case
# folded); a stand-in keeps on purpose only a leading part that names a public class, never
# whose value it is:
# - a card's brand digits (card_brand_digits, 1-4): the network, shared by millions of cards;
# - an IBAN's country and check digits (4): the country is public, the check digits follow
#   from the rest of the number;
# - a phone number's country calling code (phone_country_code_digits): the stand-in stays a
#   number of the same country, so the reply reads right;
# - a key's vendor prefix (KEY_PREFIXES): it names the service, not whose key.
# IP addresses are not compared in place: a private address keeps its block (192.168.x.y),
# which is most of its digits and names no one. Other categories (names, places, dates) must
# only never equal their real value; e-mail addresses must not keep their local part.
CODE_CATEGORIES = frozenset({"PHONE", "CREDIT_CARD", "BANK_ACCOUNT", "ID_NUMBER", "SECRET"})


def kept_prefix(category: str, real: str) -> int:
    """How many leading letters and digits of `real` (read as ASCII) its stand-in may keep."""
    compact = "".join(c for c in real if c.isalnum())
    if category == "CREDIT_CARD":
        return card_brand_digits(compact) if len(compact) >= 4 else 0
    if category == "BANK_ACCOUNT":
        return 4 if re.fullmatch(IBAN_SHAPE, compact.upper()) else 0
    if category == "PHONE":
        return phone_country_code_digits(real)
    if category == "SECRET":
        prefix = next((p for p in KEY_PREFIXES if real.startswith(p)), "")
        return sum(c.isalnum() for c in prefix)
    return 0


# --- national ID numbers ---------------------------------------------------------------------
# python-stdnum modules of national ID formats (checked: all exist in stdnum 2.2). Stand-ins
# try every one on an ID of unknown country; the rules look for the shapes of some of them
# (detector/rules/id_number.py; UK NINO has no stdnum module and is checked there).
ID_NUMBER_MODULES = (
    "us.ssn", "us.itin", "us.ein", "ca.sin", "gb.nhs", "de.idnr", "fr.nir", "es.dni", "es.nie",
    "it.codicefiscale", "nl.bsn", "be.nn", "ch.ssn", "at.vnr", "se.personnummer",
    "no.fodselsnummer", "dk.cpr", "fi.hetu", "pl.pesel", "br.cpf", "in_.aadhaar", "in_.pan",
    "cn.ric", "au.tfn", "ie.pps", "za.idnr", "kr.rrn", "il.idnr",
)


def id_module(name: str) -> ModuleType:
    """The python-stdnum module of one of ID_NUMBER_MODULES ("gb.nhs")."""
    if name not in ID_NUMBER_MODULES:
        raise KeyError(f"{name} is not in detector.formats.ID_NUMBER_MODULES")
    return importlib.import_module("stdnum." + name)


# --- sums of money -----------------------------------------------------------------------------
# Amounts: a currency sign or code, or a magnitude word, or thousands separators: plain small
# numbers ("3 kids") are left alone, since restoring "5" everywhere in a reply would be wrong.
MONEY_AMOUNT = re.compile(
    r"""(?<![\w.,])(?:
        (?:[$€£¥₹]|(?:USD|EUR|GBP|CAD|AUD|INR|CHF)\s?)\d+(?:[,.\s]\d{3})*(?:[.,]\d{1,2})?(?:\s?(?:[kKmM]|bn|million|billion|thousand|grand|lakh|crore)\b)?
      | \d+(?:[,.]\d{3})*(?:[.,]\d{1,2})?\s?(?:[kKmM]\b|bn\b|million\b|billion\b|thousand\b|grand\b|lakh\b|crore\b|(?:dollars|euros|pounds|rupees|bucks|USD|EUR|GBP)\b)
      | \d{1,3}(?:,\d{3})+(?:\.\d{1,2})?
    )""", re.VERBOSE)
