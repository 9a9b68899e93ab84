"""The rules layer: structured identifiers found by pattern, context and validation.

One module per category, each paired with the stand-in module of the same name
(detector/standins/<name>.py): address, age, bank_account, credit_card, date, email, id_number
(national IDs, US SSNs, passports and other documents), finance (sums about the writer; its
stand-ins are standins/contextual.py's), ip_address, location and org (as labelled
fields: "Location: Giridih"), phone, secret, url, username;
number_forms reads numbers dictated as words, or only their last digits, for the digit families.
base.py holds what every recognizer shares (Pattern, Recognizer, context look-up).
"""
from detector.rules.address import AddressRecognizer
from detector.rules.age import AgeRecognizer
from detector.rules.bank_account import BankAccountRecognizer
from detector.rules.base import Recognizer
from detector.rules.credit_card import CreditCardRecognizer
from detector.rules.date import DateRecognizer
from detector.rules.disclosure import DisclosureRecognizer
from detector.rules.email import EmailRecognizer
from detector.rules.id_number import DocumentIdRecognizer, NationalIdRecognizer, UsSsnRecognizer
from detector.rules.finance import FinanceRecognizer
from detector.rules.ip_address import IpAddressRecognizer
from detector.rules.legal import LegalRecognizer
from detector.rules.location import LocationRecognizer, NationalityRecognizer
from detector.rules.org import OrgRecognizer
from detector.rules.phone import PhoneRecognizer
from detector.rules.secret import SecretRecognizer
from detector.rules.number_forms import LastDigitsRecognizer, SpelledNumberRecognizer
from detector.rules.url import UrlRecognizer
from detector.rules.username import UsernameRecognizer
from detector.span import Layer, Span


def default_recognizers() -> list[Recognizer]:
    return [
        EmailRecognizer(), PhoneRecognizer(), CreditCardRecognizer(), BankAccountRecognizer(),
        UsSsnRecognizer(), NationalIdRecognizer(), DocumentIdRecognizer(), IpAddressRecognizer(),
        UrlRecognizer(), UsernameRecognizer(), SecretRecognizer(), AddressRecognizer(),
        DateRecognizer(), AgeRecognizer(), SpelledNumberRecognizer(), LastDigitsRecognizer(),
        LocationRecognizer(), NationalityRecognizer(), OrgRecognizer(), FinanceRecognizer(), LegalRecognizer(),
        DisclosureRecognizer(),
    ]


class RulesLayer:
    """Runs every recognizer family; overlaps between them are settled by detector.resolve."""

    name = Layer.RULES
    view = "rules"  # reads look-alike letters as Latin (detector/normalize.py): "jоhn@" with a Cyrillic о

    def __init__(self, recognizers: list[Recognizer] | None = None):
        self.recognizers = recognizers if recognizers is not None else default_recognizers()

    def warm(self) -> None:
        # phonenumbers loads each region's metadata on first use: do it now, not in a request.
        for recognizer in self.recognizers:
            getattr(recognizer, "warm", lambda: None)()
        self.find("Call +44 20 7946 0958 or 020 7946 0958, 0491 570 156, 030 901820, 01 23 45 67 89.")

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for recognizer in self.recognizers:
            spans.extend(recognizer.find(text))
        return spans
