"""Numbers written other than the digit families' patterns expect, for those families:
- dictated as words ("my social is four five six, one two, three four five six");
- given by their last digits ("my card ends in 4417", "last 4 of my SSN: 6789").
The kind is read from the words before the number, as the families read theirs. A dictated run
with no such word is taken for a phone number, the number people most often read out; last
digits with no such word are a count or a year ("the lease ends in 2027") and are left."""
from __future__ import annotations

import re

from detector import spelled_digits
from detector.categories import Category
from detector.rules import bank_account, credit_card, id_number, phone
from detector.rules.base import CONTEXT_BEFORE, Recognizer, near
from detector.span import Layer, Span
from detector.text import words_regex

# Most specific first: "card number" is a card before it is an ID's "number".
KIND_BY_CONTEXT = (
    (Category.CREDIT_CARD, credit_card.CONTEXT),
    (Category.BANK_ACCOUNT, bank_account.CONTEXT),
    (Category.ID_NUMBER, id_number.SSN_CONTEXT),
    (Category.ID_NUMBER, id_number.NATIONAL_CONTEXT),
    (Category.ID_NUMBER, id_number.DOCUMENT_CONTEXT),
    (Category.PHONE, phone.CONTEXT),
)
# Short dictated numbers need a word that says what they are: "zip code: nine oh two one oh".
SHORT_KIND_BY_CONTEXT = (
    (Category.SECRET, words_regex(["pin", "pin code", "passcode", "password", "security code", "cvv", "cvc"])),
    (Category.ADDRESS, words_regex(["zip", "zip code", "zipcode", "postcode", "postal code", "post code"])),
)
SHORT_MIN_DIGITS = 4
CLOSE = 32  # the word that names a short or partial number stands right before it


def kind_of(text: str, start: int, end: int, before: int = CONTEXT_BEFORE) -> Category | None:
    """The kind the nearest word before the number names ("my ssn is ... and my phone is five
    five five ...": a phone); on a tie, the more specific kind (KIND_BY_CONTEXT's order)."""
    best, best_end = None, -1
    for kind, context in KIND_BY_CONTEXT:
        for m in context.finditer(text, max(0, start - before), start):
            if m.end() > best_end:
                best, best_end = kind, m.end()
    return best


WORD = re.compile(r"[a-z]+")


class SpelledNumberRecognizer(Recognizer):
    category = Category.PHONE  # without a word that says otherwise

    def find(self, text: str) -> list[Span]:
        # Digit words are everyday words ("one", "someone"): a text with fewer than MIN_WORDS of
        # them as words skips the run regex (a word count costs half the scan).
        words = WORD.findall(text.lower())
        if sum(w in spelled_digits.DIGIT_WORDS for w in words) < spelled_digits.MIN_WORDS:
            return []
        spans = []
        for m in spelled_digits.SPELLED_RUN.finditer(text):
            value = m.group().rstrip(" \t,-/.")
            number = spelled_digits.read(value)
            if number is None or number.words < spelled_digits.MIN_WORDS:
                continue
            start, end = m.start(), m.start() + len(value)
            if spelled_digits.is_dictated(number):
                kind = kind_of(text, start, end)
            elif len(number.digits) >= SHORT_MIN_DIGITS:
                kind = next((k for k, c in SHORT_KIND_BY_CONTEXT if near(text, start, end, c, before=CLOSE)), None)
                if kind is None:
                    continue
            else:
                continue
            category = kind or self.category
            spans.append(Span(start, end, value, category, Layer.RULES, 0.8 if kind else 0.6,
                              source=f"{category.lower()}/spelled"))
        return spans


# "ends in 4417", "ending with 6789", "last four digits are 0134", "last 4 of my SSN: 6789",
# "card no. ****4417" (the digits after the mask).
LAST_DIGITS = re.compile(
    r"(?i:\b(?:ends?|ending)(?:\s+(?:in|with))?|\blast\s+(?:two|three|four|five|six|[2-6])(?:\s+digits?)?"
    r"(?:\s+of\s+(?:my\s+|the\s+|his\s+|her\s+)?[\w#]+(?:\s+[\w#]+)?)?(?:\s+(?:is|are|was|were))?)"
    r"\s*[:#-]?\s*(?P<value>\d{2,6})(?![\w-]|[.,]\d)"
    r"|(?<![\w*•-])(?P<masked>(?:[*•]{3,}|[xX]{3,})(?:[\s-]?(?:[*•]{2,}|[xX]{2,})){0,3}[\s-]?\d{2,6})(?![\w-]|[.,]\d)"
)


class LastDigitsRecognizer(Recognizer):
    category = Category.ID_NUMBER  # only ever reported with the kind its context says
    TRIGGERS = ("end", "last", "***", "•••", "xxx")

    def find(self, text: str) -> list[Span]:
        lowered = text.lower()
        if not any(t in lowered for t in self.TRIGGERS):
            return []
        spans = []
        for m in LAST_DIGITS.finditer(text):
            group = "value" if m.group("value") is not None else "masked"
            start, end = m.span(group)
            start = end - len(m.group(group).lstrip("*•xX -"))  # the mask hides nothing: the digits are the value
            kind = kind_of(text, start, end, before=start - m.start() + CLOSE)  # the words in the match too
            if kind is None:
                continue
            spans.append(Span(start, end, text[start:end], kind, Layer.RULES, 0.6,
                              source=f"{kind.lower()}/last_digits"))
        return spans
