"""Passport, driver's licence, member and customer numbers. No checkable format exists across
countries, so a bare ID-shaped token counts only right after a context word ("passport number:
X"); two shapes count anywhere: a letter prefix plus 6-12 digits ("C2048537720", customer and
licence numbers) and UUIDs (user, session and order ids)."""
import re

from detector.categories import Category
from detector.rules.base import Pattern, Recognizer, near, words_regex
from detector.span import Span

# 5-20 letters/digits (dashes allowed inside) holding at least 4 digits: "F162823540116".
DOCUMENT_ID = re.compile(r"(?<![\w-])(?=(?:[A-Za-z-]*\d){4})[A-Za-z0-9](?:[A-Za-z0-9-]{3,18})[A-Za-z0-9](?![\w-]|[.,]\d)")
PREFIXED_ID = re.compile(r"(?<![\w-])[A-Z]{1,3}\d{6,12}(?![\w-]|[.,]\d)")
UUID = re.compile(r"(?<![\w-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])")
# Dates ("12-05-2028") and sizes ("35x45") sit next to these labels too.
NOT_AN_ID = re.compile(
    r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{2}|\d{4})|\d+x\d+)$", re.IGNORECASE)
CONTEXT = words_regex([
    "passport", "driver's license", "drivers license", "driver license", "driver's licence",
    "driving licence", "driving license", "licence number", "license number", "dl", "dl#",
    "id number", "id no", "id #", "id card", "identity card", "student id", "employee id",
    "member id", "membership number", "patient id", "mrn", "medical record number",
    "policy number", "insurance number", "visa number", "permit number", "badge number",
    "customer id", "customer number", "user id", "account id", "client id",
])


class DocumentIdRecognizer(Recognizer):
    category = Category.ID_NUMBER
    PATTERNS = (
        Pattern("document_id", DOCUMENT_ID, score=0.4, needs_context=True),
        Pattern("prefixed_id", PREFIXED_ID, score=0.4),
        Pattern("uuid", UUID, score=0.5, triggers=("-",)),
    )
    CONTEXT = CONTEXT

    def judge(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        if pattern.needs_context:
            # Closer context than other families: the number follows its label within ~4 words.
            if NOT_AN_ID.match(text[start:end]) or not near(text, start, end, CONTEXT, before=32):
                return None
        return super().judge(text, start, end, pattern)

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        return True if pattern.name == "uuid" else None  # a UUID's shape is its format check
