"""Bank accounts: IBANs anywhere (python-stdnum mod-97 check, with or without spaces, any case);
US routing numbers (ABA checksum), UK sort codes and plain account numbers only in context."""
import re

from stdnum import iban
from stdnum.us import rtn

from detector.categories import Category
from detector.formats import IBAN_IN_TEXT, IBAN_MIN_LENGTH
from detector.rules.base import Pattern, Recognizer
from detector.span import Layer, Span
from detector.text import words_regex

IBAN = re.compile(IBAN_IN_TEXT)
# Plain account numbers, and UK sort codes ("12-34-56") too, 6-17 digits in optional groups.
ACCOUNT = re.compile(r"(?<![\w-])\d(?:[ -]?\d){5,16}(?![\w-]|[.,]\d)")
# "2019-2022", "1984 1950": years, one after the other, are a period or a table, not an account.
YEARS = re.compile(r"^(?:19|20)\d\d(?:\s?[-–/ ]\s?(?:19|20)\d\d)+$")
CONTEXT = words_regex([
    "account", "acct", "a/c", "account number", "account no", "routing", "aba", "sort code",
    "bsb", "checking", "savings", "iban",
], typos=True)


class BankAccountRecognizer(Recognizer):
    category = Category.BANK_ACCOUNT
    PATTERNS = (
        Pattern("account", ACCOUNT, score=0.4, needs_context=True),
    )
    CONTEXT = CONTEXT

    def find(self, text: str) -> list[Span]:
        return self._ibans(text) + super().find(text)

    def _ibans(self, text: str) -> list[Span]:
        spans = []
        for match in IBAN.finditer(text):
            value = match.group()
            # The pattern may swallow a following word ("... 1300 EUR"): drop trailing groups
            # until the number checks, since IBAN lengths vary by country.
            while value and not iban.is_valid(value):
                value = value[: value.rfind(" ")] if " " in value else ""
            if len(value) >= IBAN_MIN_LENGTH:
                start = match.start()
                spans.append(Span(start, start + len(value), value, self.category, Layer.RULES, 0.95, True,
                                  self.source("iban")))
        return spans

    def judge(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        if YEARS.match(text[start:end]):
            return None
        return super().judge(text, start, end, pattern)

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        if pattern.name == "account":
            digits = re.sub(r"[ -]", "", value)
            return True if len(digits) == 9 and rtn.is_valid(digits) else None
        return None
