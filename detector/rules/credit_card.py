"""Payment card numbers: 12-19 digits, optional space/dash groups, Luhn (python-stdnum) + brand.

Luhn-valid numbers with a known brand prefix are reported anywhere. Anything else that is
card-shaped (a typo, a test number, an unknown brand) counts only in a card context.
"""
import re

from stdnum import luhn

from detector.categories import Category
from detector.formats import card_range
from detector.rules.base import Pattern, Recognizer
from detector.text import words_regex

CARD = re.compile(r"(?<![\w+-])(?:\d[ -]?){11,18}\d(?![\w-]|[.,]\d)")
CONTEXT = words_regex([
    "card", "credit", "debit", "visa", "mastercard", "master card", "amex", "american express",
    "discover", "maestro", "jcb", "diners", "unionpay", "cc", "payment", "pay", "charge",
    "billing", "cvv", "cvc", "expiry", "card number", "card no",
], typos=True)


class CreditCardRecognizer(Recognizer):
    category = Category.CREDIT_CARD
    PATTERNS = (Pattern("card", CARD, score=0.5),)
    CONTEXT = CONTEXT

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        digits = re.sub(r"[ -]", "", value)
        # A known issuer prefix (detector/formats.py: CARD_IINS and the wider CARD_WIDER) and Luhn.
        return card_range(digits) is not None and luhn.is_valid(digits)
