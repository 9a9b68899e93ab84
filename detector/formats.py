"""Format facts that rules and stand-ins both read: card IINs, IBAN shapes, phone regions,
postcodes, US states, secret prefixes and the national-ID validators of python-stdnum.

The rules find values by these facts, the stand-ins make values that keep them, so each fact is
written here once. Where the two sides needed different views of one fact (the rules try fewer
phone regions than the stand-ins parse in), both views are named here, with the reason.
"""
from __future__ import annotations

import importlib
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


# --- postcodes and US states -----------------------------------------------------------------
US_ZIP = r"\d{5}(?:-\d{4})?"
UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"
CA_POSTCODE = r"[A-Z]\d[A-Z] ?\d[A-Z]\d"
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


# --- national ID numbers ---------------------------------------------------------------------
# python-stdnum modules of national ID formats (checked: all exist in stdnum 2.2). Stand-ins
# try every one on an ID of unknown country; the rules look for the shapes of some of them
# (detector/rules/id_number.py; UK NINO has no stdnum module and is checked there).
ID_NUMBER_MODULES = (
    "us.ssn", "us.itin", "ca.sin", "gb.nhs", "de.idnr", "fr.nir", "es.dni", "es.nie",
    "it.codicefiscale", "nl.bsn", "be.nn", "ch.ssn", "at.vnr", "se.personnummer",
    "no.fodselsnummer", "dk.cpr", "fi.hetu", "pl.pesel", "br.cpf", "in_.aadhaar", "in_.pan",
    "cn.ric", "au.tfn", "ie.pps", "za.idnr", "kr.rrn", "il.idnr",
)


def id_module(name: str) -> ModuleType:
    """The python-stdnum module of one of ID_NUMBER_MODULES ("gb.nhs")."""
    if name not in ID_NUMBER_MODULES:
        raise KeyError(f"{name} is not in detector.formats.ID_NUMBER_MODULES")
    return importlib.import_module("stdnum." + name)
