"""US Social Security numbers. python-stdnum's check raises confidence; in an SSN context an
SSN-shaped value is reported even when the check fails (DESIGN: "123-45-6789" is a real leak)."""
import re

from stdnum.us import ssn

from detector.categories import Category
from detector.rules.base import Pattern, Recognizer, words_regex

DASHED = re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-]|[.,]\d)")
PLAIN = re.compile(r"(?<![\w-])\d{9}(?![\w-]|[.,]\d)")
CONTEXT = words_regex([
    "ssn", "ss#", "ssn#", "social security", "social security number", "social sec",
    "social", "tax id", "taxpayer", "itin", "tin",
])


class UsSsnRecognizer(Recognizer):
    category = Category.ID_NUMBER
    PATTERNS = (
        Pattern("ssn_grouped", DASHED, score=0.5),
        Pattern("ssn_plain", PLAIN, score=0.3, needs_context=True),
    )
    CONTEXT = CONTEXT

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        return ssn.is_valid(value.replace(" ", "-"))
