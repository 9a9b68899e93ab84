"""National ID numbers with a published format, checked by python-stdnum where it has one:
UK National Insurance (NINO) and NHS numbers, French NIR, Spanish DNI/NIE, Italian codice
fiscale, Indian Aadhaar and PAN. A failed check still counts next to an ID context word."""
import re

from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.gb import nhs
from stdnum.in_ import aadhaar, pan
from stdnum.it import codicefiscale

from detector.categories import Category
from detector.rules.base import Pattern, Recognizer, words_regex


def _nino_is_valid(value: str) -> bool:
    # python-stdnum has no NINO module: HMRC's published prefix rules, written out here.
    code = re.sub(r"\s", "", value).upper()
    first, second = code[0], code[1]
    return (first not in "DFIQUV" and second not in "DFIOQUV"
            and code[:2] not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def _id(regex: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + regex + r"(?![\w-])")


# name -> (pattern, needs context, checker)
FORMATS = {
    "gb_nino": (Pattern("gb_nino", _id(r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]"), 0.5), _nino_is_valid),
    "gb_nhs": (Pattern("gb_nhs", _id(r"\d{3} ?\d{3} ?\d{4}"), 0.3, needs_context=True), nhs.is_valid),
    "fr_nir": (Pattern("fr_nir", _id(r"[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}"), 0.5), nir.is_valid),
    "es_dni": (Pattern("es_dni", _id(r"\d{8}-?[A-Z]"), 0.4), dni.is_valid),
    "es_nie": (Pattern("es_nie", _id(r"[XYZ]-?\d{7}-?[A-Z]"), 0.5), nie.is_valid),
    "it_codice_fiscale": (Pattern("it_codice_fiscale", _id(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]"), 0.5), codicefiscale.is_valid),
    "in_aadhaar": (Pattern("in_aadhaar", _id(r"[2-9]\d{3} ?\d{4} ?\d{4}"), 0.3, needs_context=True), aadhaar.is_valid),
    "in_pan": (Pattern("in_pan", _id(r"[A-Z]{5}\d{4}[A-Z]"), 0.5), pan.is_valid),
}
CONTEXT = words_regex([
    "id", "identity", "identification", "national id", "national insurance", "nino", "ni number",
    "nhs", "nhs number", "nir", "insee", "sécurité sociale", "securite sociale", "dni", "nie",
    "nif", "documento", "codice fiscale", "cf", "aadhaar", "aadhar", "uid", "pan", "pan card",
    "tax", "permanent account number",
])


class NationalIdRecognizer(Recognizer):
    category = Category.ID_NUMBER
    PATTERNS = tuple(pattern for pattern, _ in FORMATS.values())
    CONTEXT = CONTEXT

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        return bool(FORMATS[pattern.name][1](value))
