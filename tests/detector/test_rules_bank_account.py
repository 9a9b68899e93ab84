import pytest

from detector.rules.bank_account import BankAccountRecognizer
from tests.detector.rules_helpers import validated, values

R = BankAccountRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("My IBAN is GB59IFUE40226315499137", "GB59IFUE40226315499137"),
    ("my iban is gb42nawi04454264788619", "gb42nawi04454264788619"),  # lower case
    ("pay DE89 3704 0044 0532 0130 00 EUR 500", "DE89 3704 0044 0532 0130 00"),  # spaces, trailing word
    ("FR14 2004 1010 0505 0001 3M02 606.", "FR14 2004 1010 0505 0001 3M02 606"),
    ("routing 021000021", "021000021"),  # ABA checksum
])
def test_checked_numbers(text, expected):
    assert values(R, text) == [expected]
    assert validated(R, text)[expected] is True


@pytest.mark.parametrize("text, expected", [
    ("my account number is 12345678", "12345678"),
    ("acct: 0012-3456-789", "0012-3456-789"),
    ("sort code 12-34-56", "12-34-56"),
])
def test_account_numbers_in_context(text, expected):
    assert values(R, text) == [expected]


@pytest.mark.parametrize("text", [
    "GB59IFUE40226315499138",  # wrong check digits
    "order 12345678 shipped",  # no account context
    "ab12 is a code",
    "the deposit was 1500000",
])
def test_ignores_non_accounts(text):
    assert values(R, text) == []


@pytest.mark.parametrize("text", [
    "Account payable Controller from Feb 2019-2022 at a logistics firm",
    "account statistics 1984 1950 male and 34 females",
])
def test_years_one_after_another_are_not_accounts(text):
    assert values(R, text) == []


def test_an_account_number_in_context_still_counts():
    assert values(R, "my checking account 20192022 was frozen") == ["20192022"]
