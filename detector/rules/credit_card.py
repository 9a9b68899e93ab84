"""Payment card numbers: 12-19 digits, optional space/dash groups, Luhn (python-stdnum) + brand.

Luhn-valid numbers with a known brand prefix are reported anywhere. Anything else that is
card-shaped (a typo, a test number, an unknown brand) counts only in a card context.
"""
import re

from stdnum import luhn

from detector.categories import Category
from detector.rules.base import Pattern, Recognizer, words_regex

CARD = re.compile(r"(?<![\w+-])(?:\d[ -]?){11,18}\d(?![\w-]|[.,]\d)")
# Issuer prefixes: Visa 4, Mastercard 51-55 / 2221-2720, Amex 34/37, Diners 30/36/38/39,
# Discover/UnionPay/Maestro 6, Maestro 50/56-58, JCB 35 / 2131 / 1800.
BRAND = re.compile(r"^(?:4|5[0-8]|2(?:2[2-9]|[3-6]|7[0-2])|3[0-9]|6|2131|1800)")
CONTEXT = words_regex([
    "card", "credit", "debit", "visa", "mastercard", "master card", "amex", "american express",
    "discover", "maestro", "jcb", "diners", "unionpay", "cc", "payment", "pay", "charge",
    "billing", "cvv", "cvc", "expiry", "card number", "card no",
])


class CreditCardRecognizer(Recognizer):
    category = Category.CREDIT_CARD
    PATTERNS = (Pattern("card", CARD, score=0.5),)
    CONTEXT = CONTEXT

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        digits = re.sub(r"[ -]", "", value)
        return bool(BRAND.match(digits)) and luhn.is_valid(digits)
