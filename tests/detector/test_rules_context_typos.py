"""Support messages are typed in a hurry: the words that name a number are mistyped ("acount",
"socail", "pasport nmbr") and the number must still get its own kind and rule (a number read
as a phone gets a phone number as its stand-in)."""
import pytest

from detector.resolve import resolve
from detector.rules import RulesLayer

RULES = RulesLayer()


@pytest.mark.parametrize("text, value, category", [
    ("acount number: 4417223190", "4417223190", "BANK_ACCOUNT"),
    ("my acount no is 12345678 at chase", "12345678", "BANK_ACCOUNT"),
    ("my socal sec # 078051120", "078051120", "ID_NUMBER"),
    ("my socail security number is 123-45-6789", "123-45-6789", "ID_NUMBER"),
    ("my drivers licnse is D123-4567-8901", "D123-4567-8901", "ID_NUMBER"),
    ("my natinal insurance number is QQ 12 34 56 C", "QQ 12 34 56 C", "ID_NUMBER"),
    ("my pasport number is X1234567 thx", "X1234567", "ID_NUMBER"),
    ("acount nmbr 000123456789", "000123456789", "BANK_ACCOUNT"),
])
def test_a_mistyped_word_still_names_the_numbers_kind(text, value, category):
    found = {s.text: str(s.category) for s in resolve(RULES.find(text))}
    assert found.get(value) == category


@pytest.mark.parametrize("text", [
    "we counted 12345678 votes", "the umber 4417223190 shade", "saving 20 percent",
])
def test_no_context_word_no_account(text):
    assert not [s for s in RULES.find(text) if str(s.category) == "BANK_ACCOUNT"]
