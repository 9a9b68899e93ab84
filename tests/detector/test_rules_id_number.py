import pytest

from detector.rules.id_number import DocumentIdRecognizer, NationalIdRecognizer, UsSsnRecognizer
from tests.detector.rules_helpers import validated, values

SSN = UsSsnRecognizer()
NATIONAL = NationalIdRecognizer()
DOCUMENT = DocumentIdRecognizer()


@pytest.mark.parametrize("text, expected, checks", [
    ("Here's my SSN: 460-89-9847", "460-89-9847", True),
    ("my SSN is 123-45-6789", "123-45-6789", True),  # a dummy, but python-stdnum accepts it
    ("my SSN is 078-05-1120", "078-05-1120", False),  # the famous wallet SSN: check fails, context wins
    ("social security number 666-12-3456", "666-12-3456", False),
    ("ssn 460899847", "460899847", True),  # plain nine digits need the context
    ("SSN: 460 89 9847", "460 89 9847", True),
])
def test_ssn(text, expected, checks):
    assert values(SSN, text) == [expected]
    assert validated(SSN, text)[expected] is checks


@pytest.mark.parametrize("text", [
    "order 078-05-1120 shipped",  # fails the check, no SSN context
    "call 460899847",  # plain digits without context
    "460-89-98470",
])
def test_ssn_negatives(text):
    assert values(SSN, text) == []


@pytest.mark.parametrize("text, expected", [
    ("my NINO is AB123456C", "AB123456C"),
    ("NI number QQ 12 34 56 C", None),  # QQ is HMRC's example prefix: invalid but in context
    ("numéro de sécurité sociale 2 53 05 75 123 456 78", None),
    ("DNI 12345678Z", "12345678Z"),
    ("NIE X1234567L", "X1234567L"),
    ("codice fiscale RSSMRA85T10A562S", "RSSMRA85T10A562S"),
    ("aadhaar 2341 2341 2346", "2341 2341 2346"),
    ("PAN ABCPE1234F", "ABCPE1234F"),
    ("NHS number 943 476 5919", "943 476 5919"),
])
def test_national_ids(text, expected):
    found = values(NATIONAL, text)
    assert len(found) == 1
    if expected:
        assert found == [expected]
        assert validated(NATIONAL, text)[expected] is True


@pytest.mark.parametrize("text", [
    "RSSMRA85T10A562X was a typo",  # codice-fiscale-shaped, check fails, no context
    "2341 2341 2346 is a number",  # Aadhaar needs its context
    "ABCDE is five letters",
    "12345678A",  # DNI with the wrong letter, no context
])
def test_national_id_negatives(text):
    assert values(NATIONAL, text) == []


@pytest.mark.parametrize("text, expected", [
    ("My driver's license number is F162823540116", "F162823540116"),
    ("my driver's license number is 2270-66-1551", "2270-66-1551"),
    ("passport number: X1234567", "X1234567"),
    ("student id 20231187", "20231187"),
])
def test_document_ids_in_context(text, expected):
    assert values(DOCUMENT, text) == [expected]


@pytest.mark.parametrize("text, expected", [
    ("customers C2048537720 and M1731217984", ["C2048537720", "M1731217984"]),
    ("F162823540116 without any label", ["F162823540116"]),
    ("session cc6a2651-f67d-4e9a-980c-63d72a62f2d3 expired", ["cc6a2651-f67d-4e9a-980c-63d72a62f2d3"]),
])
def test_prefixed_ids_and_uuids_count_anywhere(text, expected):
    assert values(DOCUMENT, text) == expected


@pytest.mark.parametrize("text", [
    "AB12CD34 without any label",
    "utf8 sha256 x86_64 GPT4 ipv6",
    "cc6a2651-f67d-4e9a-980c-63d72a62f2d",  # one hex digit short of a UUID
    "my passport expires on 12-05-2028",  # a date
    "the passport office opened in 2019",
    "passport photo size is 35x45",
])
def test_document_id_negatives(text):
    assert values(DOCUMENT, text) == []
