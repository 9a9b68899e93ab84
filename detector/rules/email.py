"""E-mail addresses: local@domain.tld, checked with the stdlib's address parser."""
import re
from email.headerregistry import Address
from email.errors import HeaderParseError

from detector.categories import Category
from detector.rules.base import Pattern, Recognizer

# Unicode letters are allowed on both sides (internationalised addresses); the TLD is 2+ letters.
EMAIL = re.compile(
    r"(?<![\w.%+-])[\w%+-]+(?:\.[\w%+-]+)*@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,24}(?![\w@-])"
)


class EmailRecognizer(Recognizer):
    category = Category.EMAIL
    PATTERNS = (Pattern("email", EMAIL, score=0.6),)

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        local, _, domain = value.rpartition("@")
        try:  # the stdlib parser enforces RFC 5322 syntax of both halves
            Address(username=local, domain=domain)
        except (HeaderParseError, ValueError, IndexError):
            return False
        return True
