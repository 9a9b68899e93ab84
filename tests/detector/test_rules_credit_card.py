import pytest
from hypothesis import given, strategies as st
from stdnum import luhn

from detector.rules.credit_card import CreditCardRecognizer
from tests.detector.rules_helpers import validated, values

R = CreditCardRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("What is the limit for card 4454794511390933", "4454794511390933"),
    ("visa 4111 1111 1111 1111 exp 12/29", "4111 1111 1111 1111"),
    ("amex 3782-822463-10005.", "3782-822463-10005"),
    ("mc 5555555555554444", "5555555555554444"),
    ("pay with 6011111111111117", "6011111111111117"),
    ("number 2223003122003222", "2223003122003222"),  # Mastercard 2-series
    ("My card 4131034282458809939", "4131034282458809939"),  # 19 digits
    ("cc 4047737215142 on file", "4047737215142"),  # 13 digits
])
def test_luhn_valid_branded_numbers(text, expected):
    assert values(R, text) == [expected]
    assert validated(R, text)[expected] is True


@pytest.mark.parametrize("text, expected", [
    ("my card number is 4111 1111 1111 1112", "4111 1111 1111 1112"),  # Luhn fails: a typo
    ("credit card 9111111111111111", "9111111111111111"),  # unknown brand
])
def test_card_shaped_numbers_count_in_a_card_context(text, expected):
    assert values(R, text) == [expected]
    assert validated(R, text)[expected] is False


@pytest.mark.parametrize("text", [
    "tracking 4111 1111 1111 1112 arrived",  # fails Luhn, no card context
    "id 9111111111111111",  # no brand, no context
    "phone 905-674-3793",
    "mobile +447700677662",  # a '+' starts a phone number, even when the digits pass Luhn
    "12345",
    "ISBN 978-3-16-148410-0",
])
def test_ignores_non_cards(text):
    assert values(R, text) == []


@given(st.sampled_from(["4", "51", "37", "6011"]), st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_every_luhn_valid_number_is_found(prefix, body):
    partial = (prefix + body)[:15]
    number = partial + luhn.calc_check_digit(partial)
    assert values(R, f"charge {number} now") == [number]
