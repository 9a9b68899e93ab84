"""ID_NUMBER rules: three recognizers, one per kind of ID, each with its own context words.

- NationalIdRecognizer: every national ID the stand-ins know (the python-stdnum modules listed
  in detector/formats.py), by the shapes people write them in, checked by python-stdnum; and UK
  National Insurance numbers (no stdnum module). A failed check still counts next to an ID
  context word, at a lower score; which shapes count without one: see NATIONAL_IDS.
- UsSsnRecognizer: US Social Security numbers. python-stdnum's check raises confidence; in an SSN
  context an SSN-shaped value is reported even when the check fails ("123-45-6789" is a real
  leak: docs/architecture.md#detection).
- DocumentIdRecognizer: passport, driver's licence, member and customer numbers. No checkable
  format exists across countries, so a bare ID-shaped token counts only right after a context
  word ("passport number: X"); a letter prefix plus 6-12 digits ("C2048537720", customer and
  licence numbers) counts anywhere but after a public-record label ("GenBank", "PMID", "ISBN");
  a UUID only next to a word that says whose it is (user, session, order ids), since UUIDs
  fill code and logs.

Their stand-ins: detector/standins/id_number.py.
"""
import re
from dataclasses import dataclass

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
    # Not inside a longer run of digits or letters, grouped or not ("36 574 261 809" holds
    # "574 261 809" after a space).
    return re.compile(r"(?<![\w-])(?<!\d[ .])(?:" + regex + r")(?![\w-]|[.,]\d|[ .]\d)")


@dataclass(frozen=True)
class NationalId:
    """How one national ID is written in text, and whether its shape is specific enough to be
    reported without a context word (a passing checksum alone is ~1 in 10 for a digit run)."""

    module: str  # its python-stdnum module (detector/formats.py: ID_NUMBER_MODULES)
    shape: str
    anywhere: bool
    score: float = 0.4


# Every national ID the stand-ins know (detector/formats.py), as people write it: grouped the
# way the issuer prints it, or compact. `anywhere` formats carry structure beyond a digit run
# (letters in fixed places, a century sign, the issuer's punctuation, a fixed prefix, a birth
# date plus a checksum over 13-18 digits), so a passing checksum without context is rarely a
# coincidence; plain 8-12 digit runs (SIN, BSN, Steuer-ID, TFN, PESEL...) pass some checksum
# about once in ten, and amounts, order numbers and phones are such runs: those need a context
# word ("SIN", "BSN", "tax number"...). Over PUPA_New, asq-phi, presidio synth and SPIA this rule
# reported 9 spans, all on labelled values (`python -m bench.precision_eval` counts PUPA_New and
# asq-phi).
NATIONAL_IDS = (
    NationalId("us.itin", r"9\d{2}-[7-9]\d-\d{4}", anywhere=True, score=0.5),
    NationalId("us.ein", r"\d{2}-\d{7}", anywhere=False, score=0.3),
    NationalId("ca.sin", r"\d{3}[- ]?\d{3}[- ]?\d{3}", anywhere=False, score=0.3),
    NationalId("gb.nhs", r"\d{3}[- ]?\d{3}[- ]?\d{4}", anywhere=False, score=0.3),
    NationalId("de.idnr", r"\d{2} ?\d{3} ?\d{3} ?\d{3}", anywhere=False, score=0.3),
    NationalId("fr.nir", r"[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}", anywhere=True, score=0.5),
    NationalId("es.dni", r"\d{8}-?[A-Z]", anywhere=True),
    NationalId("es.nie", r"[XYZ]-?\d{7}-?[A-Z]", anywhere=True, score=0.5),
    NationalId("it.codicefiscale",
               r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]",
               anywhere=True, score=0.5),
    NationalId("nl.bsn", r"\d{4}\.?\d{2}\.?\d{3}|\d{9}", anywhere=False, score=0.3),
    NationalId("be.nn", r"\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}", anywhere=True, score=0.5),
    NationalId("be.nn", r"\d{2} ?\d{2} ?\d{2} ?\d{3} ?\d{2}", anywhere=False, score=0.3),
    NationalId("ch.ssn", r"756\.\d{4}\.\d{4}\.\d{2}|756\d{10}", anywhere=True, score=0.5),
    NationalId("at.vnr", r"\d{4} ?\d{6}", anywhere=False, score=0.3),
    NationalId("se.personnummer", r"(?:\d{2})?\d{6}[-+]\d{4}", anywhere=True),
    NationalId("se.personnummer", r"(?:19|20)?\d{10}", anywhere=False, score=0.3),
    NationalId("no.fodselsnummer", r"\d{6} ?\d{5}", anywhere=False, score=0.3),
    NationalId("dk.cpr", r"\d{6}-\d{4}", anywhere=True),
    NationalId("dk.cpr", r"\d{10}", anywhere=False, score=0.3),
    NationalId("fi.hetu", r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]", anywhere=True, score=0.5),
    NationalId("pl.pesel", r"\d{11}", anywhere=False, score=0.3),
    NationalId("br.cpf", r"\d{3}\.\d{3}\.\d{3}-\d{2}", anywhere=True, score=0.5),
    NationalId("br.cpf", r"\d{11}", anywhere=False, score=0.3),
    NationalId("in_.aadhaar", r"[2-9]\d{3} ?\d{4} ?\d{4}", anywhere=False, score=0.3),
    NationalId("in_.pan", r"[A-Z]{5}\d{4}[A-Z]", anywhere=True, score=0.5),
    NationalId("cn.ric", r"\d{17}[\dX]", anywhere=True, score=0.5),
    NationalId("au.tfn", r"\d{3} ?\d{3} ?\d{2,3}", anywhere=False, score=0.3),
    NationalId("ie.pps", r"\d{7}[A-W][A-IW]?", anywhere=True),
    NationalId("za.idnr", r"\d{6} ?\d{4} ?\d{2} ?\d", anywhere=True),
    NationalId("kr.rrn", r"\d{6}-\d{7}", anywhere=True, score=0.5),
    NationalId("kr.rrn", r"\d{13}", anywhere=False, score=0.3),
    NationalId("il.idnr", r"\d{7,8}-\d|\d{9}", anywhere=False, score=0.3),
)
# UK National Insurance numbers: python-stdnum has no module for them (see _nino_is_valid).
GB_NINO = Pattern("gb_nino", _id(r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]"), 0.5)


def _patterns() -> dict[str, tuple[Pattern, object]]:
    table: dict[str, tuple[Pattern, object]] = {"gb_nino": (GB_NINO, _nino_is_valid)}
    for i, fmt in enumerate(NATIONAL_IDS):
        name = f"{fmt.module}#{i}"
        table[name] = (Pattern(name, _id(fmt.shape), fmt.score, needs_context=not fmt.anywhere),
                       id_module(fmt.module).is_valid)
    return table


FORMATS = _patterns()
# Every shape above is written in digits, capitals and " .+-" alone (no flags: capitals only)
# and holds 4+ digits: a whole run of those characters with 4 digits in it. Possessive, and
# anchored at a run's start, so a run without them fails once, not at each of its positions.
ID_RUN = re.compile(r"(?<![\dA-Z .+\-])(?:[A-Z .+\-]*+\d){4}[\dA-Z .+\-]*")
NATIONAL_CONTEXT = words_regex([
    "id", "identity", "identification", "national id", "national identity", "national number",
    "personal number", "personal id", "identity number", "id number", "citizen number",
    "national insurance", "nino", "ni number", "nhs", "nhs number", "nir", "insee",
    "sécurité sociale", "securite sociale", "dni", "nie", "nif", "documento", "codice fiscale",
    "cf", "aadhaar", "aadhar", "uid", "pan", "pan card", "tax", "tax number", "tax id", "tin",
    "itin", "permanent account number", "sin", "social insurance", "bsn", "burgerservicenummer",
    "sofinummer", "steuer-id", "steuerid", "steueridentifikationsnummer", "idnr",
    "rijksregisternummer", "niss", "insz", "numéro national", "ahv", "avs",
    "sozialversicherungsnummer", "versicherungsnummer", "svnr", "vnr", "personnummer",
    "fødselsnummer", "fodselsnummer", "cpr", "henkilötunnus", "hetu", "pesel", "cpf",
    "resident identity", "ric", "身份证", "tfn", "tax file number", "pps", "ppsn", "rrn",
    "resident registration", "주민등록번호", "teudat zehut", "zehut", "licence", "license",
    "passport", "social security", "ein", "fein", "employer identification", "employer id",
], typos=True)


class NationalIdRecognizer(Recognizer):
    category = Category.ID_NUMBER
    PATTERNS = tuple(pattern for pattern, _ in FORMATS.values())
    CONTEXT = NATIONAL_CONTEXT

    best_per_place = True

    def find(self, text: str, regions: list[tuple[int, int]] | None = None) -> list[Span]:
        # 32 shapes scanned over a whole prompt cost ~5 ms per 200 words; each needs 4+ digits
        # in a run of digits, capitals and separators, so only such runs are scanned.
        runs = [(m.start(), min(len(text), m.end() + 2)) for m in ID_RUN.finditer(text)]
        if regions is not None:  # a caller's limits too
            runs = [(max(a, c), min(b, d)) for a, b in runs for c, d in regions if max(a, c) < min(b, d)]
        return sorted(Recognizer.find(self, text, runs), key=lambda s: s.start) if runs else []

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        try:
            return bool(FORMATS[pattern.name][1](value))
        except Exception:  # a validator that chokes on a shape it does not expect: no pass
            return False


# --- US Social Security numbers ------------------------------------------------------------
SSN_DASHED = re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-]|[.,]\d)")
SSN_PLAIN = re.compile(r"(?<![\w-])\d{9}(?![\w-]|[.,]\d)")
SSN_CONTEXT = words_regex([
    "ssn", "ss#", "ssn#", "social security", "social security number", "social sec",
    "social", "tax id", "taxpayer", "itin", "tin",
], typos=True)


class UsSsnRecognizer(Recognizer):
    category = Category.ID_NUMBER
    PATTERNS = (
        Pattern("ssn_grouped", SSN_DASHED, score=0.5),
        Pattern("ssn_plain", SSN_PLAIN, score=0.3, needs_context=True),
    )
    CONTEXT = SSN_CONTEXT

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        value = value.replace(" ", "-")
        return id_module("us.ssn").is_valid(value) or id_module("us.itin").is_valid(value)


# --- passports, licences, member and customer numbers ----------------------------------------
# 5-20 letters/digits (dashes allowed inside) holding at least 4 digits: "F162823540116".
DOCUMENT_ID = re.compile(r"(?<![\w-])(?=(?:[A-Za-z-]*\d){4})[A-Za-z0-9](?:[A-Za-z0-9-]{3,18})[A-Za-z0-9](?![\w-]|[.,]\d)")
PREFIXED_ID = re.compile(r"(?<![\w-])[A-Z]{1,3}\d{6,12}(?![\w-]|[.,]\d)")
UUID = re.compile(r"(?<![\w-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])")
# Dates ("12-05-2028") and sizes ("35x45") sit next to these labels too.
NOT_AN_ID = re.compile(
    r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{2}|\d{4})|\d+x\d+)$", re.IGNORECASE)
# Identifiers of public records ("GenBank: KM052589", "PMID 31452104", "ISBN ...", "arXiv:"):
# they name a paper or a sequence, not a person.
PUBLIC_REFERENCE = words_regex(["genbank", "accession", "accession number", "pmid", "pmcid", "doi",
                                "isbn", "issn", "arxiv", "cas", "rfc", "cve", "sku", "asin", "upc",
                                "ean", "model", "part number", "catalog", "catalogue"])
# UUIDs are everywhere in code and logs (request ids, keys of records, package ids); one is a
# person's identifier only next to a word that says whose (issue #17: decided by context).
UUID_CONTEXT = words_regex(["user", "user id", "userid", "customer", "client", "account", "member",
                            "patient", "employee", "student", "session", "sid", "uid", "order", "device", "my id",
                            "profile", "subscriber", "applicant", "case", "ticket", "booking"])
# The number of someone's case, application, claim, order or ticket, written after its label and
# "no." / "number" / "#": "application no. 28490/95", "case No 2019-CV-01234", "order #A-99812",
# "claim number: 88-1200-7". It leads to the person through whoever keeps the file (a court, a
# shop, an insurer). Slashes and dots may join its parts (court numbers); at least 3 digits in all.
RECORD_NUMBER = re.compile(
    r"(?i)(?<!\w)(?:application|applications|case|file|docket|complaint|claim|petition|appeal|"
    r"order|ticket|booking|reservation|confirmation|tracking|invoice)"
    r"\s*\(?\s*(?:no\.?|nos\.|nr\.?|number|num\.?|#)\s*:?\s*"
    r"(?P<value>(?=(?:[A-Za-z/.-]*\d){3})[A-Za-z0-9](?:[A-Za-z0-9/.-]{1,24}[A-Za-z0-9])?)(?![\w/-]|\.\w)")
# ...or right after "my order", "our booking" with no "no." ("my order 88213-B never showed up"):
# then at least 4 digits.
MY_RECORD_NUMBER = re.compile(
    r"(?i)\b(?:my|our|your|his|her|their)\s+(?:order|ticket|booking|reservation|claim|case|application|"
    r"tracking|invoice)\s+(?P<value>(?=(?:[A-Za-z/.-]*\d){4})[A-Za-z0-9](?:[A-Za-z0-9/.-]{2,24}[A-Za-z0-9]))"
    r"(?![\w/-]|\.\w)")
DOCUMENT_CONTEXT = words_regex([
    "passport", "driver's license", "drivers license", "driver license", "driver's licence",
    "driving licence", "driving license", "licence number", "license number", "dl", "dl#",
    "id number", "id no", "id #", "id card", "identity card", "student id", "employee id",
    "member id", "membership number", "patient id", "mrn", "medical record number",
    "policy number", "insurance number", "visa number", "permit number", "badge number",
    "customer id", "customer number", "user id", "account id", "client id",
    # health cover and claims: what a support message or a form asks for next to the name
    "medicare", "medicare number", "medicaid", "medicaid number", "health card", "health card number",
    "health insurance number", "insurance id", "member number", "subscriber id", "beneficiary number",
    "group number", "claim number", "case number", "reference number", "ref no",
    "frequent flyer number", "loyalty number", "library card number",
    "employee number", "staff number", "staff id", "payroll number", "student number",
    # a vehicle's plate and identification number: they lead to its keeper
    "license plate", "licence plate", "plate number", "number plate", "registration number", "vin number",
    "vehicle identification number",
], typos=True)


class DocumentIdRecognizer(Recognizer):
    category = Category.ID_NUMBER
    PATTERNS = (
        Pattern("document_id", DOCUMENT_ID, score=0.4, needs_context=True),
        Pattern("prefixed_id", PREFIXED_ID, score=0.4),
        Pattern("uuid", UUID, score=0.5, triggers=("-",)),  # only in context: see judge()
        Pattern("record_number", RECORD_NUMBER, score=0.6, triggers=("no", "nr", "num", "#")),
        Pattern("my_record_number", MY_RECORD_NUMBER, score=0.5,
                triggers=("order", "ticket", "booking", "reservation", "claim", "case", "application",
                          "tracking", "invoice")),
    )
    CONTEXT = DOCUMENT_CONTEXT

    def judge(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        if pattern.name == "uuid" and not near(text, start, end, UUID_CONTEXT, before=40):
            return None
        if near(text, start, end, PUBLIC_REFERENCE, before=32):
            return None
        if pattern.name == "my_record_number" and re.fullmatch(r"(?:19|20)\d{2}", text[start:end]):
            return None  # "my case 2019 was dismissed": a year
        if pattern.name in ("record_number", "my_record_number") and NOT_AN_ID.match(text[start:end]):
            return None  # "case no. 12/03/2019": a date after the label
        if pattern.needs_context:
            # Closer context than other families: the number follows its label within ~4 words.
            if NOT_AN_ID.match(text[start:end]) or not near(text, start, end, DOCUMENT_CONTEXT, before=32):
                return None
        return super().judge(text, start, end, pattern)

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        return True if pattern.name == "uuid" else None  # a UUID's shape is its format check
