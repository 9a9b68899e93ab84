"""Sums of money about the writer: "I'm about $23,000 in credit card debt", "my salary is 85k a
year", "we owe €4,500 on the car". A sum in a sentence that speaks of the writer (I, my, we...)
and of their money (debt, owe, salary, rent, savings...) is a fact about them; a price in a
question ("is $999 too much for a laptop") is not. The learned tagger finds such phrases too,
but misses many; the stand-in swaps the sum for one of the same shape (detector/standins/contextual.py).
"""
from __future__ import annotations

import re

from detector.categories import Category
from detector.formats import MONEY_AMOUNT
from detector.rules.base import Recognizer, sentence_end, sentence_start
from detector.span import Layer, Span
from detector.text import words_regex

FIRST_PERSON = words_regex(["i", "i'm", "im", "i've", "ive", "i'd", "me", "my", "mine", "we", "we're",
                            "our", "us", "myself"])
MONEY_WORDS = words_regex([
    "debt", "debts", "owe", "owed", "owing", "salary", "salaries", "earn", "earns", "earned", "earning",
    "earnings", "income", "paycheck", "paycheque", "wage", "wages", "make", "making", "made", "paid",
    "loan", "loans", "mortgage", "rent", "savings", "saved", "net worth", "bonus", "inheritance",
    "inherited", "overdraft", "bankrupt", "bankruptcy", "pension", "401k", "401(k)", "alimony",
    "child support", "medical bills", "credit card", "balance", "invested", "portfolio", "lost",
    "behind on", "arrears", "collections", "tax refund", "allowance", "raise", "severance",
])
RATE = re.compile(r"(?:\s*(?:/|a|an|per)\s*(?:year|yr|month|mo|week|wk|hour|hr|day)\b|"
                  r"\s*(?:annually|monthly|weekly|hourly|yearly|a\s+year|a\s+month)\b)?", re.IGNORECASE)
# A credit score said of the writer ("my credit score is 540", "fico dropped to 580"): it tells
# a lender's verdict on them as plainly as a debt does. Scores run 300-850.
CREDIT_SCORE = re.compile(r"(?i)\b(?:credit\s+score|fico(?:\s+score)?|credit\s+rating)\b[^.!?\n\d]{0,24}?"
                          r"(?<![\w.,])(?P<value>[3-8]\d{2})(?![\w.,]\d|\d|\s*%)")
TRIGGERS = ("$", "€", "£", "¥", "₹", "usd", "eur", "gbp", "k ", "000", "thousand", "million", "grand",
            "dollars", "euros", "pounds", "rupees", "bucks", "lakh", "crore")


class FinanceRecognizer(Recognizer):
    category = Category.FINANCE

    def find(self, text: str) -> list[Span]:
        lowered = text.lower()
        spans = self._credit_scores(text) if "score" in lowered or "fico" in lowered or "rating" in lowered else []
        if not any(t in lowered for t in TRIGGERS):
            return spans
        for m in MONEY_AMOUNT.finditer(text):
            start, end = m.span()
            end = RATE.match(text, end).end()
            sentence = text[sentence_start(text, start):sentence_end(text, end)]
            if FIRST_PERSON.search(sentence) and MONEY_WORDS.search(sentence):
                spans.append(Span(start, end, text[start:end], self.category, Layer.RULES, 0.55,
                                  source=self.source("about_the_writer")))
        return spans

    def _credit_scores(self, text: str) -> list[Span]:
        spans = []
        for m in CREDIT_SCORE.finditer(text):
            start, end = m.span("value")
            if 300 <= int(m.group("value")) <= 850 and FIRST_PERSON.search(
                    text[sentence_start(text, m.start()):sentence_end(text, end)]):
                spans.append(Span(start, end, m.group("value"), self.category, Layer.RULES, 0.55,
                                  source=self.source("credit_score")))
        return spans
