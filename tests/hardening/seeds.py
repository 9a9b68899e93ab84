"""The known private values every hardening test plants, and how to look for them.

The session-wide leak check (conftest.py) asserts that none of these appears in any log record,
captured stdout/stderr, subprocess output, or file under a data dir Doppel used. Each value is
one the fast detector finds (rules or NER), so a real `doppel start` must replace all of them.
Failure messages name a seed by its label, never by its value.
"""
from __future__ import annotations

import re

from detector.categories import Category
from detector.span import Layer, Span

SEEDS: dict[str, tuple[Category, str]] = {
    "person": (Category.PERSON, "Ingrid Lindqvist"),
    "email": (Category.EMAIL, "ingrid.lindqvist@fastmail.com"),
    "phone": (Category.PHONE, "+1 415 555 0187"),
    "iban": (Category.BANK_ACCOUNT, "DE89 3704 0044 0532 0130 00"),
    "card": (Category.CREDIT_CARD, "4111 1111 1111 1111"),
    "ssn": (Category.ID_NUMBER, "123-45-6789"),
    "api_key": (Category.SECRET, "sk-proj-Zq8vT3kLmN4pR7sW2xY9aB6cD1eF5gH0"),
    "ip": (Category.IP_ADDRESS, "203.0.113.77"),
    "password": (Category.SECRET, "Tr0ub4dor&3x"),
}

SEED_PROMPT = (
    "I'm Ingrid Lindqvist, mail ingrid.lindqvist@fastmail.com, phone +1 415 555 0187, "
    "IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111, SSN 123-45-6789, api key "
    "sk-proj-Zq8vT3kLmN4pR7sW2xY9aB6cD1eF5gH0, my server is 203.0.113.77 and password: "
    "Tr0ub4dor&3x")
assert all(value in SEED_PROMPT for _, value in SEEDS.values())

NUMERIC_SEEDS: dict[str, tuple[Category, int]] = {
    "card_number": (Category.CREDIT_CARD, 4111111111111111),
    "phone_number": (Category.PHONE, 14155550187),
}
"""The card and the phone sent as JSON numbers (inside tool arguments, tool inputs, metadata):
found by SeedLayer in a number's text, and looked for by seeds_in as written."""


def _forms(value: str) -> set[str]:
    """The value as written, lower-cased, and without spaces/dashes/plus (how a careless log
    line or a normalizer might print a card, phone or IBAN)."""
    low = value.casefold()
    forms = {low, low.replace(" ", "")}
    digits = "".join(c for c in low if c.isalnum())
    if len(digits) >= 9:
        forms.add(digits)
    return forms


SEED_FORMS: dict[str, set[str]] = {label: _forms(v) for label, (_, v) in SEEDS.items()}


_SEPARATORS = re.compile(r"[\W_]+")


def seeds_in(text: str | bytes, *, squeeze: bool = True) -> list[str]:
    """Labels of the seeds found in ``text`` (case-insensitive). With ``squeeze``, also their
    digits-and-letters-only forms with every separator in the text ignored (how a log line
    might print a card number); without, only the forms as written."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    low = text.casefold()
    squeezed = _SEPARATORS.sub("", low) if squeeze else ""
    found = []
    for label, forms in SEED_FORMS.items():
        if any((form in squeezed) if form.isalnum() else (form in low) for form in forms):
            found.append(label)
    found += [label for label, (_, number) in NUMERIC_SEEDS.items() if str(number) in low]
    return found


class SeedLayer:
    """A detector layer that finds exactly the seeds (fast, so fuzzing can run 10,000s of
    requests through the real Protector, stand-in engine and restorer)."""
    name = Layer.RULES

    def find(self, text: str) -> list[Span]:
        # In any case, as the real rules find them: default-deny reads every string, a body
        # whose case was swapped included ("PROMPT": "... INGRID.LINDQVIST@FASTMAIL.COM").
        spans = []
        for category, pattern in _SEED_PATTERNS:
            for m in pattern.finditer(text):
                spans.append(Span(m.start(), m.end(), m.group(), category, Layer.RULES,
                                  validated=True))
        return spans


_SEED_PATTERNS = [(category, re.compile(re.escape(value), re.IGNORECASE))
                  for category, value in [*SEEDS.values(), *((c, str(n)) for c, n in NUMERIC_SEEDS.values())]]
