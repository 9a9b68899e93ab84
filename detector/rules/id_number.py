"""ID_NUMBER rules: three recognizers, one per kind of ID, each with its own context words.

- NationalIdRecognizer: national IDs with a published format, checked by python-stdnum where it
  has one: UK National Insurance (NINO) and NHS numbers, French NIR, Spanish DNI/NIE, Italian
  codice fiscale, Indian Aadhaar and PAN. A failed check still counts next to an ID context word.
- UsSsnRecognizer: US Social Security numbers. python-stdnum's check raises confidence; in an SSN
  context an SSN-shaped value is reported even when the check fails ("123-45-6789" is a real
  leak: docs/architecture.md#detection).
- DocumentIdRecognizer: passport, driver's licence, member and customer numbers. No checkable
  format exists across countries, so a bare ID-shaped token counts only right after a context
  word ("passport number: X"); two shapes count anywhere: a letter prefix plus 6-12 digits
  ("C2048537720", customer and licence numbers) and UUIDs (user, session and order ids).

Their stand-ins: detector/standins/id_number.py.
"""
import re

from detector.categories import Category
from detector.formats import id_module
from detector.rules.base import Pattern, Recognizer, near
from detector.span import Span
from detector.text import words_regex


def _nino_is_valid(value: str) -> bool:
    # python-stdnum has no NINO module: HMRC's published prefix rules, written out here.
    code = re.sub(r"\s", "", value).upper()
    first, second = code[0], code[1]
    return (first not in "DFIQUV" and second not in "DFIOQUV"
            and code[:2] not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def _id(regex: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + regex + r"(?![\w-])")


# name -> (pattern, checker): python-stdnum's, by its module name in detector/formats.py
FORMATS = {
    "gb_nino": (Pattern("gb_nino", _id(r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]"), 0.5), _nino_is_valid),
    "gb_nhs": (Pattern("gb_nhs", _id(r"\d{3} ?\d{3} ?\d{4}"), 0.3, needs_context=True), id_module("gb.nhs").is_valid),
    "fr_nir": (Pattern("fr_nir", _id(r"[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}"), 0.5), id_module("fr.nir").is_valid),
    "es_dni": (Pattern("es_dni", _id(r"\d{8}-?[A-Z]"), 0.4), id_module("es.dni").is_valid),
    "es_nie": (Pattern("es_nie", _id(r"[XYZ]-?\d{7}-?[A-Z]"), 0.5), id_module("es.nie").is_valid),
    "it_codice_fiscale": (Pattern("it_codice_fiscale", _id(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]"), 0.5), id_module("it.codicefiscale").is_valid),
    "in_aadhaar": (Pattern("in_aadhaar", _id(r"[2-9]\d{3} ?\d{4} ?\d{4}"), 0.3, needs_context=True), id_module("in_.aadhaar").is_valid),
    "in_pan": (Pattern("in_pan", _id(r"[A-Z]{5}\d{4}[A-Z]"), 0.5), id_module("in_.pan").is_valid),
}
NATIONAL_CONTEXT = words_regex([
    "id", "identity", "identification", "national id", "national insurance", "nino", "ni number",
    "nhs", "nhs number", "nir", "insee", "sécurité sociale", "securite sociale", "dni", "nie",
    "nif", "documento", "codice fiscale", "cf", "aadhaar", "aadhar", "uid", "pan", "pan card",
    "tax", "permanent account number",
])


class NationalIdRecognizer(Recognizer):
    category = Category.ID_NUMBER
    PATTERNS = tuple(pattern for pattern, _ in FORMATS.values())
    CONTEXT = NATIONAL_CONTEXT

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        return bool(FORMATS[pattern.name][1](value))


# --- US Social Security numbers ------------------------------------------------------------
SSN_DASHED = re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-]|[.,]\d)")
SSN_PLAIN = re.compile(r"(?<![\w-])\d{9}(?![\w-]|[.,]\d)")
SSN_CONTEXT = words_regex([
    "ssn", "ss#", "ssn#", "social security", "social security number", "social sec",
    "social", "tax id", "taxpayer", "itin", "tin",
])


class UsSsnRecognizer(Recognizer):
    category = Category.ID_NUMBER
    PATTERNS = (
        Pattern("ssn_grouped", SSN_DASHED, score=0.5),
        Pattern("ssn_plain", SSN_PLAIN, score=0.3, needs_context=True),
    )
    CONTEXT = SSN_CONTEXT

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        return id_module("us.ssn").is_valid(value.replace(" ", "-"))


# --- passports, licences, member and customer numbers ----------------------------------------
# 5-20 letters/digits (dashes allowed inside) holding at least 4 digits: "F162823540116".
DOCUMENT_ID = re.compile(r"(?<![\w-])(?=(?:[A-Za-z-]*\d){4})[A-Za-z0-9](?:[A-Za-z0-9-]{3,18})[A-Za-z0-9](?![\w-]|[.,]\d)")
PREFIXED_ID = re.compile(r"(?<![\w-])[A-Z]{1,3}\d{6,12}(?![\w-]|[.,]\d)")
UUID = re.compile(r"(?<![\w-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])")
# Dates ("12-05-2028") and sizes ("35x45") sit next to these labels too.
NOT_AN_ID = re.compile(
    r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{2}|\d{4})|\d+x\d+)$", re.IGNORECASE)
DOCUMENT_CONTEXT = words_regex([
    "passport", "driver's license", "drivers license", "driver license", "driver's licence",
    "driving licence", "driving license", "licence number", "license number", "dl", "dl#",
    "id number", "id no", "id #", "id card", "identity card", "student id", "employee id",
    "member id", "membership number", "patient id", "mrn", "medical record number",
    "policy number", "insurance number", "visa number", "permit number", "badge number",
    "customer id", "customer number", "user id", "account id", "client id",
])


class DocumentIdRecognizer(Recognizer):
    category = Category.ID_NUMBER
    PATTERNS = (
        Pattern("document_id", DOCUMENT_ID, score=0.4, needs_context=True),
        Pattern("prefixed_id", PREFIXED_ID, score=0.4),
        Pattern("uuid", UUID, score=0.5, triggers=("-",)),
    )
    CONTEXT = DOCUMENT_CONTEXT

    def judge(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        if pattern.needs_context:
            # Closer context than other families: the number follows its label within ~4 words.
            if NOT_AN_ID.match(text[start:end]) or not near(text, start, end, DOCUMENT_CONTEXT, before=32):
                return None
        return super().judge(text, start, end, pattern)

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        return True if pattern.name == "uuid" else None  # a UUID's shape is its format check
