import pytest

from detector.rules.phone import PhoneRecognizer
from tests.detector.rules_helpers import validated, values

R = PhoneRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("call me at 905-674-3793 today", "905-674-3793"),
    ("+46 (0)8 928 571 38 fax", "+46 (0)8 928 571 38"),  # international: any region
    ("office +81 3-1234-5678", "+81 3-1234-5678"),
    ("ring 020 7946 0958 after six", "020 7946 0958"),  # GB national
    ("my number is 0490 75 40 81.", "0490 75 40 81"),  # FR national
    ("indian mobile 9876543210", "9876543210"),
    ("(579)888-3058 fax", "(579)888-3058"),
    ("french style 01.23.45.67.89 ok", "01.23.45.67.89"),  # dotted pairs are not decimals
    ("us dotted 905.674.3793 ok", "905.674.3793"),
])
def test_valid_numbers_are_validated(text, expected):
    assert values(R, text) == [expected]
    assert validated(R, text)[expected] is True


@pytest.mark.parametrize("text, expected", [
    ("Phone:\n60-56-85-91\n", "60-56-85-91"),  # not a valid number, but labelled as a phone
    ("They're not answering at 78 651 450", "78 651 450"),
    ("Desk: +1-903-140-4508x769\nFax: ", "+1-903-140-4508x769"),
    ("416 60 039 office", "416 60 039"),  # context after the number
    ("call me at 555-0199-22 tonight", "555-0199-22"),
    ("my whatsapp number is 1234 5678", "1234 5678"),
])
def test_id_shaped_numbers_count_in_a_phone_context(text, expected):
    assert values(R, text) == [expected]
    assert validated(R, text)[expected] is False


@pytest.mark.parametrize("text", [
    "order no 60568591 shipped",  # would be a 'valid' German number without the trunk 0
    "the total is 1 250 000 dollars",
    "born 2023-01-05 in a storm",
    "call me on 12/03/2024",  # a date, even next to 'call'
    "ip 106.31.73.20 blocked",
    "version 1.2.3 released",
    "pi is 3.14159265358",
    "I have 3 kids and 2 dogs",
    # columns of amounts from a pasted table, "call" or not ("15325.00 0.00" parses as valid)
    "1 PAYMENT 15325.00 0.00 M1635378213",
    "call about 0.0 0.00 0 0 12 1 rows",
    "balance 20771.00 17671.03 today",
    "",
])
def test_ignores_non_phones(text):
    assert values(R, text) == []


def test_warm_compiles_every_pattern_a_request_would_need():
    import phonenumbers
    from phonenumbers import re_util

    PhoneRecognizer().warm()
    compiled = len(re_util._COMPILED_PATTERNS)  # phonenumbers' own cache, on after warm()
    assert compiled > 1000  # every region's patterns, not the few a sample number touches
    numbers = ["+7 912 345-67-89", "+81 3-1234-5678", "+55 11 91234-5678", "+234 802 123 4567", "020 7946 0958"]
    found = [value for text in numbers for value in values(R, f"call me on {text}")]
    assert found == numbers
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(n, "GB")) for n in numbers)
    assert len(re_util._COMPILED_PATTERNS) == compiled  # nothing left to compile in a request


@pytest.mark.parametrize("text", [
    "2023-11-28 05:32:21,577 - INFO - HTTP Request: POST /v1/audio",
    "Timestamp: 2023-11-28 15:02:20-0800 pid: 9445",
])
def test_timestamps_are_not_phones(text):
    assert values(R, text) == []
