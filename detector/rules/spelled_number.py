"""Numbers dictated as words ("my social is four five six, one two, three four five six"):
the kind of number is read from the words before it, as the digit families read theirs, and a
run with no such word is taken for a phone number, the number people most often read out."""
from __future__ import annotations

from detector import spelled_digits
from detector.categories import Category
from detector.rules import bank_account, credit_card, id_number, phone
from detector.rules.base import Recognizer, near
from detector.span import Layer, Span

# Most specific first: "card number" is a card before it is an ID's "number".
KIND_BY_CONTEXT = (
    (Category.CREDIT_CARD, credit_card.CONTEXT),
    (Category.BANK_ACCOUNT, bank_account.CONTEXT),
    (Category.ID_NUMBER, id_number.SSN_CONTEXT),
    (Category.ID_NUMBER, id_number.NATIONAL_CONTEXT),
    (Category.ID_NUMBER, id_number.DOCUMENT_CONTEXT),
    (Category.PHONE, phone.CONTEXT),
)
# Every dictated run holds one of these (lower-cased): texts without skip the regex.
TRIGGERS = tuple(spelled_digits.DIGIT_WORDS)


class SpelledNumberRecognizer(Recognizer):
    category = Category.PHONE  # without a word that says otherwise

    def find(self, text: str) -> list[Span]:
        lowered = text.lower()
        if not any(t in lowered for t in TRIGGERS):
            return []
        spans = []
        for m in spelled_digits.SPELLED_RUN.finditer(text):
            value = m.group().rstrip(" \t,-/.")
            number = spelled_digits.read(value)
            if number is None or not spelled_digits.is_dictated(number):
                continue
            start, end = m.start(), m.start() + len(value)
            kind = next((k for k, context in KIND_BY_CONTEXT if near(text, start, end, context)), None)
            category = kind or self.category
            spans.append(Span(start, end, value, category, Layer.RULES, 0.8 if kind else 0.6,
                              source=f"{category.lower()}/spelled"))
        return spans
